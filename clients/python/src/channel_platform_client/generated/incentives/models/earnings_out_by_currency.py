from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.currency_figures import CurrencyFigures


T = TypeVar("T", bound="EarningsOutByCurrency")


@_attrs_define
class EarningsOutByCurrency:
    additional_properties: dict[str, CurrencyFigures] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:

        field_dict: dict[str, Any] = {}
        for prop_name, prop in self.additional_properties.items():
            field_dict[prop_name] = prop.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.currency_figures import CurrencyFigures  # noqa: PLC0415

        d = dict(src_dict)
        earnings_out_by_currency = cls()

        additional_properties = {}
        for prop_name, prop_dict in d.items():
            additional_property = CurrencyFigures.from_dict(prop_dict)

            additional_properties[prop_name] = additional_property

        earnings_out_by_currency.additional_properties = additional_properties
        return earnings_out_by_currency

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> CurrencyFigures:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: CurrencyFigures) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
