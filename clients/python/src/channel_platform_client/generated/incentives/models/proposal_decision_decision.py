from typing import Literal

ProposalDecisionDecision = Literal["approved", "rejected"]

PROPOSAL_DECISION_DECISION_VALUES: set[ProposalDecisionDecision] = {
    "approved",
    "rejected",
}


def check_proposal_decision_decision(value: str) -> ProposalDecisionDecision:
    if value in PROPOSAL_DECISION_DECISION_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROPOSAL_DECISION_DECISION_VALUES!r}")
