from typing import Literal

Outcome = Literal["lost", "won"]

OUTCOME_VALUES: set[Outcome] = {
    "lost",
    "won",
}


def check_outcome(value: str) -> Outcome:
    if value in OUTCOME_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {OUTCOME_VALUES!r}")
