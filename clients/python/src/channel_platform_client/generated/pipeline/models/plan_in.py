from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="PlanIn")


@_attrs_define
class PlanIn:
    """
    Attributes:
        vendor_id (str):
        revenue_target (float | str):
        currency (str):
    """

    vendor_id: str
    revenue_target: float | str
    currency: str

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        revenue_target: float | str
        revenue_target = self.revenue_target

        currency = self.currency

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vendor_id": vendor_id,
                "revenue_target": revenue_target,
                "currency": currency,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        def _parse_revenue_target(data: object) -> float | str:
            return cast(float | str, data)

        revenue_target = _parse_revenue_target(d.pop("revenue_target"))

        currency = d.pop("currency")

        plan_in = cls(
            vendor_id=vendor_id,
            revenue_target=revenue_target,
            currency=currency,
        )

        return plan_in
