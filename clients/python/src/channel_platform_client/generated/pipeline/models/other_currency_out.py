from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OtherCurrencyOut")


@_attrs_define
class OtherCurrencyOut:
    """
    Attributes:
        pipeline_total (str):
        closed_won (str):
        open_deals (int):
    """

    pipeline_total: str
    closed_won: str
    open_deals: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        pipeline_total = self.pipeline_total

        closed_won = self.closed_won

        open_deals = self.open_deals

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "pipeline_total": pipeline_total,
                "closed_won": closed_won,
                "open_deals": open_deals,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        pipeline_total = d.pop("pipeline_total")

        closed_won = d.pop("closed_won")

        open_deals = d.pop("open_deals")

        other_currency_out = cls(
            pipeline_total=pipeline_total,
            closed_won=closed_won,
            open_deals=open_deals,
        )

        other_currency_out.additional_properties = d
        return other_currency_out

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
