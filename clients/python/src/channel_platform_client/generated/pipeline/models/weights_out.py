from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.weights_out_weights import WeightsOutWeights


T = TypeVar("T", bound="WeightsOut")


@_attrs_define
class WeightsOut:
    """
    Attributes:
        vendor_id (str):
        weights (WeightsOutWeights):
        is_default (bool):
        version (int):
    """

    vendor_id: str
    weights: WeightsOutWeights
    is_default: bool
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        weights = self.weights.to_dict()

        is_default = self.is_default

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "weights": weights,
                "is_default": is_default,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.weights_out_weights import WeightsOutWeights  # noqa: PLC0415

        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        weights = WeightsOutWeights.from_dict(d.pop("weights"))

        is_default = d.pop("is_default")

        version = d.pop("version")

        weights_out = cls(
            vendor_id=vendor_id,
            weights=weights,
            is_default=is_default,
            version=version,
        )

        weights_out.additional_properties = d
        return weights_out

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
