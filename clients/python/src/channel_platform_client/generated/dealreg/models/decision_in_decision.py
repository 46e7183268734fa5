from typing import Literal

DecisionInDecision = Literal["approve", "reject"]

DECISION_IN_DECISION_VALUES: set[DecisionInDecision] = {
    "approve",
    "reject",
}


def check_decision_in_decision(value: str) -> DecisionInDecision:
    if value in DECISION_IN_DECISION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {DECISION_IN_DECISION_VALUES!r}")
