from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.partner_in_tier import PartnerInTier, check_partner_in_tier
from ..types import UNSET, Unset

T = TypeVar("T", bound="PartnerIn")


@_attrs_define
class PartnerIn:
    """A partner's profile name and its terms with the vendors in `vendor_ids`.

    A vendor sets its own enrolment only (`vendor_ids` left out or `[that vendor]`) and never
    renames an existing profile; an admin sets the enrolments it lists.

        Attributes:
            name (str):
            tier (PartnerInTier):
            territory (None | str | Unset):
            region (None | str | Unset):
            channel_manager (None | str | Unset):
            vendor_ids (list[str] | None | Unset):
    """

    name: str
    tier: PartnerInTier
    territory: None | str | Unset = UNSET
    region: None | str | Unset = UNSET
    channel_manager: None | str | Unset = UNSET
    vendor_ids: list[str] | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        tier: int = self.tier

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

        vendor_ids: list[str] | None | Unset
        if isinstance(self.vendor_ids, Unset):
            vendor_ids = UNSET
        elif isinstance(self.vendor_ids, list):
            vendor_ids = self.vendor_ids

        else:
            vendor_ids = self.vendor_ids

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
                "tier": tier,
            }
        )
        if territory is not UNSET:
            field_dict["territory"] = territory
        if region is not UNSET:
            field_dict["region"] = region
        if channel_manager is not UNSET:
            field_dict["channel_manager"] = channel_manager
        if vendor_ids is not UNSET:
            field_dict["vendor_ids"] = vendor_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        name = d.pop("name")

        tier = check_partner_in_tier(d.pop("tier"))

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

        def _parse_vendor_ids(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                vendor_ids_type_0 = cast(list[str], data)

                return vendor_ids_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        vendor_ids = _parse_vendor_ids(d.pop("vendor_ids", UNSET))

        partner_in = cls(
            name=name,
            tier=tier,
            territory=territory,
            region=region,
            channel_manager=channel_manager,
            vendor_ids=vendor_ids,
        )

        return partner_in
