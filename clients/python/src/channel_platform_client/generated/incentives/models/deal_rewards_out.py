from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.entry_out import EntryOut


T = TypeVar("T", bound="DealRewardsOut")


@_attrs_define
class DealRewardsOut:
    """
    Attributes:
        deal_id (str):
        currency (None | str):
        net (str):
        items (list[EntryOut]):
    """

    deal_id: str
    currency: None | str
    net: str
    items: list[EntryOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        deal_id = self.deal_id

        currency: None | str
        currency = self.currency

        net = self.net

        items = []
        for items_item_data in self.items:
            items_item = items_item_data.to_dict()
            items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "deal_id": deal_id,
                "currency": currency,
                "net": net,
                "items": items,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.entry_out import EntryOut  # noqa: PLC0415

        d = dict(src_dict)
        deal_id = d.pop("deal_id")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        net = d.pop("net")

        items = []
        _items = d.pop("items")
        for items_item_data in _items:
            items_item = EntryOut.from_dict(items_item_data)

            items.append(items_item)

        deal_rewards_out = cls(
            deal_id=deal_id,
            currency=currency,
            net=net,
            items=items,
        )

        deal_rewards_out.additional_properties = d
        return deal_rewards_out

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
