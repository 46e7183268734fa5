from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.policy_in_stage_probabilities import PolicyInStageProbabilities


T = TypeVar("T", bound="PolicyIn")


@_attrs_define
class PolicyIn:
    """Fields left out take the contract's defaults; range checks are the domain's (PipelinePolicy).

    Attributes:
        total_index (float | str | Unset):  Default: 2.0.
        risk_adjusted_index (float | str | Unset):  Default: 1.0.
        stage_probabilities (PolicyInStageProbabilities | Unset):
        at_risk_threshold (float | str | Unset):  Default: 0.8.
    """

    total_index: float | str | Unset = 2.0
    risk_adjusted_index: float | str | Unset = 1.0
    stage_probabilities: PolicyInStageProbabilities | Unset = UNSET
    at_risk_threshold: float | str | Unset = 0.8

    def to_dict(self) -> dict[str, Any]:
        total_index: float | str | Unset
        if isinstance(self.total_index, Unset):
            total_index = UNSET
        else:
            total_index = self.total_index

        risk_adjusted_index: float | str | Unset
        if isinstance(self.risk_adjusted_index, Unset):
            risk_adjusted_index = UNSET
        else:
            risk_adjusted_index = self.risk_adjusted_index

        stage_probabilities: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stage_probabilities, Unset):
            stage_probabilities = self.stage_probabilities.to_dict()

        at_risk_threshold: float | str | Unset
        if isinstance(self.at_risk_threshold, Unset):
            at_risk_threshold = UNSET
        else:
            at_risk_threshold = self.at_risk_threshold

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if total_index is not UNSET:
            field_dict["total_index"] = total_index
        if risk_adjusted_index is not UNSET:
            field_dict["risk_adjusted_index"] = risk_adjusted_index
        if stage_probabilities is not UNSET:
            field_dict["stage_probabilities"] = stage_probabilities
        if at_risk_threshold is not UNSET:
            field_dict["at_risk_threshold"] = at_risk_threshold

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_in_stage_probabilities import PolicyInStageProbabilities  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_total_index(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        total_index = _parse_total_index(d.pop("total_index", UNSET))

        def _parse_risk_adjusted_index(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        risk_adjusted_index = _parse_risk_adjusted_index(d.pop("risk_adjusted_index", UNSET))

        _stage_probabilities = d.pop("stage_probabilities", UNSET)
        stage_probabilities: PolicyInStageProbabilities | Unset
        if isinstance(_stage_probabilities, Unset):
            stage_probabilities = UNSET
        else:
            stage_probabilities = PolicyInStageProbabilities.from_dict(_stage_probabilities)

        def _parse_at_risk_threshold(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        at_risk_threshold = _parse_at_risk_threshold(d.pop("at_risk_threshold", UNSET))

        policy_in = cls(
            total_index=total_index,
            risk_adjusted_index=risk_adjusted_index,
            stage_probabilities=stage_probabilities,
            at_risk_threshold=at_risk_threshold,
        )

        return policy_in
