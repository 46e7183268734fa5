from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.policy_out_stage_probabilities import PolicyOutStageProbabilities


T = TypeVar("T", bound="PolicyOut")


@_attrs_define
class PolicyOut:
    """
    Attributes:
        vendor_id (str):
        total_index (str):
        risk_adjusted_index (str):
        stage_probabilities (PolicyOutStageProbabilities):
        at_risk_threshold (str):
        is_default (bool):
        updated_at (None | str):
        version (int):
    """

    vendor_id: str
    total_index: str
    risk_adjusted_index: str
    stage_probabilities: PolicyOutStageProbabilities
    at_risk_threshold: str
    is_default: bool
    updated_at: None | str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        total_index = self.total_index

        risk_adjusted_index = self.risk_adjusted_index

        stage_probabilities = self.stage_probabilities.to_dict()

        at_risk_threshold = self.at_risk_threshold

        is_default = self.is_default

        updated_at: None | str
        updated_at = self.updated_at

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "total_index": total_index,
                "risk_adjusted_index": risk_adjusted_index,
                "stage_probabilities": stage_probabilities,
                "at_risk_threshold": at_risk_threshold,
                "is_default": is_default,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.policy_out_stage_probabilities import PolicyOutStageProbabilities  # noqa: PLC0415

        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        total_index = d.pop("total_index")

        risk_adjusted_index = d.pop("risk_adjusted_index")

        stage_probabilities = PolicyOutStageProbabilities.from_dict(d.pop("stage_probabilities"))

        at_risk_threshold = d.pop("at_risk_threshold")

        is_default = d.pop("is_default")

        def _parse_updated_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        version = d.pop("version")

        policy_out = cls(
            vendor_id=vendor_id,
            total_index=total_index,
            risk_adjusted_index=risk_adjusted_index,
            stage_probabilities=stage_probabilities,
            at_risk_threshold=at_risk_threshold,
            is_default=is_default,
            updated_at=updated_at,
            version=version,
        )

        policy_out.additional_properties = d
        return policy_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
