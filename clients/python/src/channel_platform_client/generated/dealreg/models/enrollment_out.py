from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="EnrollmentOut")


@_attrs_define
class EnrollmentOut:
    """
    Attributes:
        vendor_id (str):
        tier (int):
        territory (None | str):
        region (None | str):
        channel_manager (None | str):
        version (int):
        updated_at (datetime.datetime):
    """

    vendor_id: str
    tier: int
    territory: None | str
    region: None | str
    channel_manager: None | str
    version: int
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        tier = self.tier

        territory: None | str
        territory = self.territory

        region: None | str
        region = self.region

        channel_manager: None | str
        channel_manager = self.channel_manager

        version = self.version

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "tier": tier,
                "territory": territory,
                "region": region,
                "channel_manager": channel_manager,
                "version": version,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        tier = d.pop("tier")

        def _parse_territory(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        territory = _parse_territory(d.pop("territory"))

        def _parse_region(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        region = _parse_region(d.pop("region"))

        def _parse_channel_manager(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel_manager = _parse_channel_manager(d.pop("channel_manager"))

        version = d.pop("version")

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        enrollment_out = cls(
            vendor_id=vendor_id,
            tier=tier,
            territory=territory,
            region=region,
            channel_manager=channel_manager,
            version=version,
            updated_at=updated_at,
        )

        enrollment_out.additional_properties = d
        return enrollment_out

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
