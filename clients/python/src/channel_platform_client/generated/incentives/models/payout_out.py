from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.payout_line_out import PayoutLineOut
    from ..models.payout_out_totals import PayoutOutTotals


T = TypeVar("T", bound="PayoutOut")


@_attrs_define
class PayoutOut:
    """A payout is in one currency: `currency` and `total` are its, `totals` the same per currency.

    Attributes:
        id (str):
        vendor_id (str):
        up_to (str):
        currency (str):
        total (str):
        totals (PayoutOutTotals):
        created_at (str):
        lines (list[PayoutLineOut]):
    """

    id: str
    vendor_id: str
    up_to: str
    currency: str
    total: str
    totals: PayoutOutTotals
    created_at: str
    lines: list[PayoutLineOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        vendor_id = self.vendor_id

        up_to = self.up_to

        currency = self.currency

        total = self.total

        totals = self.totals.to_dict()

        created_at = self.created_at

        lines = []
        for lines_item_data in self.lines:
            lines_item = lines_item_data.to_dict()
            lines.append(lines_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "up_to": up_to,
                "currency": currency,
                "total": total,
                "totals": totals,
                "created_at": created_at,
                "lines": lines,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.payout_line_out import PayoutLineOut  # noqa: PLC0415
        from ..models.payout_out_totals import PayoutOutTotals  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        vendor_id = d.pop("vendor_id")

        up_to = d.pop("up_to")

        currency = d.pop("currency")

        total = d.pop("total")

        totals = PayoutOutTotals.from_dict(d.pop("totals"))

        created_at = d.pop("created_at")

        lines = []
        _lines = d.pop("lines")
        for lines_item_data in _lines:
            lines_item = PayoutLineOut.from_dict(lines_item_data)

            lines.append(lines_item)

        payout_out = cls(
            id=id,
            vendor_id=vendor_id,
            up_to=up_to,
            currency=currency,
            total=total,
            totals=totals,
            created_at=created_at,
            lines=lines,
        )

        payout_out.additional_properties = d
        return payout_out

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
