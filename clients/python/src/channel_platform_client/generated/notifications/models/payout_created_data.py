from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayoutCreatedData")


@_attrs_define
class PayoutCreatedData:
    """
    Attributes:
        payout_id (str):
        vendor_id (str):
        up_to (datetime.datetime):
        currency (str):
        total (float | str):
        line_count (int):
    """

    payout_id: str
    vendor_id: str
    up_to: datetime.datetime
    currency: str
    total: float | str
    line_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        payout_id = self.payout_id

        vendor_id = self.vendor_id

        up_to = self.up_to.isoformat()

        currency = self.currency

        total: float | str
        total = self.total

        line_count = self.line_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "payout_id": payout_id,
                "vendor_id": vendor_id,
                "up_to": up_to,
                "currency": currency,
                "total": total,
                "line_count": line_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        payout_id = d.pop("payout_id")

        vendor_id = d.pop("vendor_id")

        up_to = datetime.datetime.fromisoformat(d.pop("up_to"))

        currency = d.pop("currency")

        def _parse_total(data: object) -> float | str:
            return cast(float | str, data)

        total = _parse_total(d.pop("total"))

        line_count = d.pop("line_count")

        payout_created_data = cls(
            payout_id=payout_id,
            vendor_id=vendor_id,
            up_to=up_to,
            currency=currency,
            total=total,
            line_count=line_count,
        )

        payout_created_data.additional_properties = d
        return payout_created_data

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
