from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PeerOut")


@_attrs_define
class PeerOut:
    """
    Attributes:
        percentile (None | str): 0..100 among the vendor's partners (100: best); null without a value.
        median (None | str): The peers' median; null when no peer has a value.
    """

    percentile: None | str
    median: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        percentile: None | str
        percentile = self.percentile

        median: None | str
        median = self.median

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "percentile": percentile,
                "median": median,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_percentile(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        percentile = _parse_percentile(d.pop("percentile"))

        def _parse_median(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        median = _parse_median(d.pop("median"))

        peer_out = cls(
            percentile=percentile,
            median=median,
        )

        peer_out.additional_properties = d
        return peer_out

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
