from typing import Literal

StageInStage = Literal["negotiation", "proposal", "qualified"]

STAGE_IN_STAGE_VALUES: set[StageInStage] = {
    "negotiation",
    "proposal",
    "qualified",
}


def check_stage_in_stage(value: str) -> StageInStage:
    if value in STAGE_IN_STAGE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {STAGE_IN_STAGE_VALUES!r}")
