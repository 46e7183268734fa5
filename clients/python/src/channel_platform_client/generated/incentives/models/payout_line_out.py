from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PayoutLineOut")


@_attrs_define
class PayoutLineOut:
    """
    Attributes:
        rep_id (str):
        partner_id (str):
        amount (str):
        currency (str):
        entry_count (int):
    """

    rep_id: str
    partner_id: str
    amount: str
    currency: str
    entry_count: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rep_id = self.rep_id

        partner_id = self.partner_id

        amount = self.amount

        currency = self.currency

        entry_count = self.entry_count

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rep_id": rep_id,
                "partner_id": partner_id,
                "amount": amount,
                "currency": currency,
                "entry_count": entry_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rep_id = d.pop("rep_id")

        partner_id = d.pop("partner_id")

        amount = d.pop("amount")

        currency = d.pop("currency")

        entry_count = d.pop("entry_count")

        payout_line_out = cls(
            rep_id=rep_id,
            partner_id=partner_id,
            amount=amount,
            currency=currency,
            entry_count=entry_count,
        )

        payout_line_out.additional_properties = d
        return payout_line_out

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
