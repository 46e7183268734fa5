from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.proposal_decision_decision import (
    ProposalDecisionDecision,
    check_proposal_decision_decision,
)

T = TypeVar("T", bound="ProposalDecision")


@_attrs_define
class ProposalDecision:
    """
    Attributes:
        decision (ProposalDecisionDecision):
    """

    decision: ProposalDecisionDecision

    def to_dict(self) -> dict[str, Any]:
        decision: str = self.decision

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "decision": decision,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        decision = check_proposal_decision_decision(d.pop("decision"))

        proposal_decision = cls(
            decision=decision,
        )

        return proposal_decision
