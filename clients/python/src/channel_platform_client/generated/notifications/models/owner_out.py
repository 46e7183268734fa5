from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="OwnerOut")


@_attrs_define
class OwnerOut:
    """
    Attributes:
        role (str):
        vendor_id (None | str):
        partner_id (None | str):
        partner_ids (list[str]):
    """

    role: str
    vendor_id: None | str
    partner_id: None | str
    partner_ids: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        role = self.role

        vendor_id: None | str
        vendor_id = self.vendor_id

        partner_id: None | str
        partner_id = self.partner_id

        partner_ids = self.partner_ids

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "role": role,
                "vendor_id": vendor_id,
                "partner_id": partner_id,
                "partner_ids": partner_ids,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        role = d.pop("role")

        def _parse_vendor_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        vendor_id = _parse_vendor_id(d.pop("vendor_id"))

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        partner_ids = cast(list[str], d.pop("partner_ids"))

        owner_out = cls(
            role=role,
            vendor_id=vendor_id,
            partner_id=partner_id,
            partner_ids=partner_ids,
        )

        owner_out.additional_properties = d
        return owner_out

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
