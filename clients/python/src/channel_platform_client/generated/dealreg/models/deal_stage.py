from typing import Literal

DealStage = Literal["closed_lost", "closed_won", "negotiation", "proposal", "qualified", "registered"]

DEAL_STAGE_VALUES: set[DealStage] = {
    "closed_lost",
    "closed_won",
    "negotiation",
    "proposal",
    "qualified",
    "registered",
}


def check_deal_stage(value: str) -> DealStage:
    if value in DEAL_STAGE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DEAL_STAGE_VALUES!r}")
