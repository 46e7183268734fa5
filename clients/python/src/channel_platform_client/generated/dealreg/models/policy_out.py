from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PolicyOut")


@_attrs_define
class PolicyOut:
    """
    Attributes:
        vendor_id (str):
        auto_approve_max_amount (None | str):
        auto_approve_tiers (list[int]):
        auto_approve_currency (None | str):
        approval_sla (str):
        on_sla_breach (str):
        protection_period (str):
        max_extensions (int):
        extension_period (str):
        default (bool):
        version (int):
    """

    vendor_id: str
    auto_approve_max_amount: None | str
    auto_approve_tiers: list[int]
    auto_approve_currency: None | str
    approval_sla: str
    on_sla_breach: str
    protection_period: str
    max_extensions: int
    extension_period: str
    default: bool
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        auto_approve_max_amount: None | str
        auto_approve_max_amount = self.auto_approve_max_amount

        auto_approve_tiers = self.auto_approve_tiers

        auto_approve_currency: None | str
        auto_approve_currency = self.auto_approve_currency

        approval_sla = self.approval_sla

        on_sla_breach = self.on_sla_breach

        protection_period = self.protection_period

        max_extensions = self.max_extensions

        extension_period = self.extension_period

        default = self.default

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "auto_approve_max_amount": auto_approve_max_amount,
                "auto_approve_tiers": auto_approve_tiers,
                "auto_approve_currency": auto_approve_currency,
                "approval_sla": approval_sla,
                "on_sla_breach": on_sla_breach,
                "protection_period": protection_period,
                "max_extensions": max_extensions,
                "extension_period": extension_period,
                "default": default,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        def _parse_auto_approve_max_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        auto_approve_max_amount = _parse_auto_approve_max_amount(d.pop("auto_approve_max_amount"))

        auto_approve_tiers = cast(list[int], d.pop("auto_approve_tiers"))

        def _parse_auto_approve_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        auto_approve_currency = _parse_auto_approve_currency(d.pop("auto_approve_currency"))

        approval_sla = d.pop("approval_sla")

        on_sla_breach = d.pop("on_sla_breach")

        protection_period = d.pop("protection_period")

        max_extensions = d.pop("max_extensions")

        extension_period = d.pop("extension_period")

        default = d.pop("default")

        version = d.pop("version")

        policy_out = cls(
            vendor_id=vendor_id,
            auto_approve_max_amount=auto_approve_max_amount,
            auto_approve_tiers=auto_approve_tiers,
            auto_approve_currency=auto_approve_currency,
            approval_sla=approval_sla,
            on_sla_breach=on_sla_breach,
            protection_period=protection_period,
            max_extensions=max_extensions,
            extension_period=extension_period,
            default=default,
            version=version,
        )

        policy_out.additional_properties = d
        return policy_out

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
