from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="DealEarningsOut")


@_attrs_define
class DealEarningsOut:
    """
    Attributes:
        deal_id (str):
        currency (str):
        earned (str):
        clawed_back (str):
        net (str):
    """

    deal_id: str
    currency: str
    earned: str
    clawed_back: str
    net: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deal_id = self.deal_id

        currency = self.currency

        earned = self.earned

        clawed_back = self.clawed_back

        net = self.net

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deal_id": deal_id,
                "currency": currency,
                "earned": earned,
                "clawed_back": clawed_back,
                "net": net,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        deal_id = d.pop("deal_id")

        currency = d.pop("currency")

        earned = d.pop("earned")

        clawed_back = d.pop("clawed_back")

        net = d.pop("net")

        deal_earnings_out = cls(
            deal_id=deal_id,
            currency=currency,
            earned=earned,
            clawed_back=clawed_back,
            net=net,
        )

        deal_earnings_out.additional_properties = d
        return deal_earnings_out

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
