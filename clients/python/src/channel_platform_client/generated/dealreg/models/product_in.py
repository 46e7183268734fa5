from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

T = TypeVar("T", bound="ProductIn")


@_attrs_define
class ProductIn:
    """
    Attributes:
        sku (str):
        quantity (int):
        unit_price (float | str):
    """

    sku: str
    quantity: int
    unit_price: float | str

    def to_dict(self) -> dict[str, Any]:
        sku = self.sku

        quantity = self.quantity

        unit_price: float | str
        unit_price = self.unit_price

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "sku": sku,
                "quantity": quantity,
                "unit_price": unit_price,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        sku = d.pop("sku")

        quantity = d.pop("quantity")

        def _parse_unit_price(data: object) -> float | str:
            return cast(float | str, data)

        unit_price = _parse_unit_price(d.pop("unit_price"))

        product_in = cls(
            sku=sku,
            quantity=quantity,
            unit_price=unit_price,
        )

        return product_in
