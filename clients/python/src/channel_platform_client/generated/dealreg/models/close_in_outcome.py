from typing import Literal

CloseInOutcome = Literal["lost", "won"]

CLOSE_IN_OUTCOME_VALUES: set[CloseInOutcome] = {
    "lost",
    "won",
}


def check_close_in_outcome(value: str) -> CloseInOutcome:
    if value in CLOSE_IN_OUTCOME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {CLOSE_IN_OUTCOME_VALUES!r}")
