from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PlanOut")


@_attrs_define
class PlanOut:
    """
    Attributes:
        partner_id (str):
        vendor_id (str):
        period (str):
        revenue_target (str):
        currency (str):
        updated_at (str):
        version (int):
    """

    partner_id: str
    vendor_id: str
    period: str
    revenue_target: str
    currency: str
    updated_at: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        partner_id = self.partner_id

        vendor_id = self.vendor_id

        period = self.period

        revenue_target = self.revenue_target

        currency = self.currency

        updated_at = self.updated_at

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "period": period,
                "revenue_target": revenue_target,
                "currency": currency,
                "updated_at": updated_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        period = d.pop("period")

        revenue_target = d.pop("revenue_target")

        currency = d.pop("currency")

        updated_at = d.pop("updated_at")

        version = d.pop("version")

        plan_out = cls(
            partner_id=partner_id,
            vendor_id=vendor_id,
            period=period,
            revenue_target=revenue_target,
            currency=currency,
            updated_at=updated_at,
            version=version,
        )

        plan_out.additional_properties = d
        return plan_out

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
