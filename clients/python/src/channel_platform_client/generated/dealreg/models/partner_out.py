from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.enrollment_out import EnrollmentOut


T = TypeVar("T", bound="PartnerOut")


@_attrs_define
class PartnerOut:
    """To a vendor: its own terms, `vendor_ids` = [that vendor], `version` = its enrolment's. To the
    partner and admin: every enrolment under `enrollments` (top-level terms only when there is exactly
    one), `version` = the profile's (moved by any change of it or its enrolments).

        Attributes:
            id (str):
            name (str):
            tier (int | None):
            territory (None | str):
            region (None | str):
            channel_manager (None | str):
            vendor_ids (list[str]):
            created_at (datetime.datetime):
            updated_at (datetime.datetime):
            version (int):
            enrollments (list[EnrollmentOut] | None | Unset):
    """

    id: str
    name: str
    tier: int | None
    territory: None | str
    region: None | str
    channel_manager: None | str
    vendor_ids: list[str]
    created_at: datetime.datetime
    updated_at: datetime.datetime
    version: int
    enrollments: list[EnrollmentOut] | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        tier: int | None
        tier = self.tier

        territory: None | str
        territory = self.territory

        region: None | str
        region = self.region

        channel_manager: None | str
        channel_manager = self.channel_manager

        vendor_ids = self.vendor_ids

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        version = self.version

        enrollments: list[dict[str, Any]] | None | Unset
        if isinstance(self.enrollments, Unset):
            enrollments = UNSET
        elif isinstance(self.enrollments, list):
            enrollments = []
            for enrollments_type_0_item_data in self.enrollments:
                enrollments_type_0_item = enrollments_type_0_item_data.to_dict()
                enrollments.append(enrollments_type_0_item)

        else:
            enrollments = self.enrollments

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "tier": tier,
                "territory": territory,
                "region": region,
                "channel_manager": channel_manager,
                "vendor_ids": vendor_ids,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
            }
        )
        if enrollments is not UNSET:
            field_dict["enrollments"] = enrollments

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enrollment_out import EnrollmentOut  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        def _parse_tier(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        tier = _parse_tier(d.pop("tier"))

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

        vendor_ids = cast(list[str], d.pop("vendor_ids"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        version = d.pop("version")

        def _parse_enrollments(data: object) -> list[EnrollmentOut] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                enrollments_type_0 = []
                _enrollments_type_0 = data
                for enrollments_type_0_item_data in _enrollments_type_0:
                    enrollments_type_0_item = EnrollmentOut.from_dict(enrollments_type_0_item_data)

                    enrollments_type_0.append(enrollments_type_0_item)

                return enrollments_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[EnrollmentOut] | None | Unset, data)

        enrollments = _parse_enrollments(d.pop("enrollments", UNSET))

        partner_out = cls(
            id=id,
            name=name,
            tier=tier,
            territory=territory,
            region=region,
            channel_manager=channel_manager,
            vendor_ids=vendor_ids,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            enrollments=enrollments,
        )

        partner_out.additional_properties = d
        return partner_out

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
