from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="PartnerRef")


@_attrs_define
class PartnerRef:
    """
    Attributes:
        id (str):
        tier (int):
        territory (None | str | Unset):
        region (None | str | Unset):
        channel_manager (None | str | Unset):
    """

    id: str
    tier: int
    territory: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    channel_manager: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        tier = self.tier

        territory: None | str | Unset
        if isinstance(self.territory, Unset):
            territory = UNSET
        else:
            territory = self.territory

        region: None | str | Unset
        if isinstance(self.region, Unset):
            region = UNSET
        else:
            region = self.region

        channel_manager: None | str | Unset
        if isinstance(self.channel_manager, Unset):
            channel_manager = UNSET
        else:
            channel_manager = self.channel_manager

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "tier": tier,
            }
        )
        if territory is not UNSET:
            field_dict["territory"] = territory
        if region is not UNSET:
            field_dict["region"] = region
        if channel_manager is not UNSET:
            field_dict["channel_manager"] = channel_manager

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        tier = d.pop("tier")

        def _parse_territory(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        territory = _parse_territory(d.pop("territory", UNSET))

        def _parse_region(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        region = _parse_region(d.pop("region", UNSET))

        def _parse_channel_manager(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel_manager = _parse_channel_manager(d.pop("channel_manager", UNSET))

        partner_ref = cls(
            id=id,
            tier=tier,
            territory=territory,
            region=region,
            channel_manager=channel_manager,
        )

        partner_ref.additional_properties = d
        return partner_ref

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
