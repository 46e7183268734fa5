from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.policy_in_auto_approve_tiers_item import (
    PolicyInAutoApproveTiersItem,
    check_policy_in_auto_approve_tiers_item,
)
from ..models.policy_in_on_sla_breach import (
    PolicyInOnSlaBreach,
    check_policy_in_on_sla_breach,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="PolicyIn")


@_attrs_define
class PolicyIn:
    """
    Attributes:
        auto_approve_max_amount (float | None | str | Unset):
        auto_approve_tiers (list[PolicyInAutoApproveTiersItem] | Unset):
        auto_approve_currency (None | str | Unset):
        approval_sla (str | Unset):  Default: 'P4D'.
        on_sla_breach (PolicyInOnSlaBreach | Unset):  Default: 'escalate'.
        protection_period (str | Unset):  Default: 'P90D'.
        max_extensions (int | Unset):  Default: 0.
        extension_period (str | Unset):  Default: 'P30D'.
    """

    auto_approve_max_amount: float | None | str | Unset = UNSET
    auto_approve_tiers: list[PolicyInAutoApproveTiersItem] | Unset = UNSET
    auto_approve_currency: None | str | Unset = UNSET
    approval_sla: str | Unset = "P4D"
    on_sla_breach: PolicyInOnSlaBreach | Unset = "escalate"
    protection_period: str | Unset = "P90D"
    max_extensions: int | Unset = 0
    extension_period: str | Unset = "P30D"

    def to_dict(self) -> dict[str, Any]:
        auto_approve_max_amount: float | None | str | Unset
        if isinstance(self.auto_approve_max_amount, Unset):
            auto_approve_max_amount = UNSET
        else:
            auto_approve_max_amount = self.auto_approve_max_amount

        auto_approve_tiers: list[int] | Unset = UNSET
        if not isinstance(self.auto_approve_tiers, Unset):
            auto_approve_tiers = []
            for auto_approve_tiers_item_data in self.auto_approve_tiers:
                auto_approve_tiers_item: int = auto_approve_tiers_item_data
                auto_approve_tiers.append(auto_approve_tiers_item)

        auto_approve_currency: None | str | Unset
        if isinstance(self.auto_approve_currency, Unset):
            auto_approve_currency = UNSET
        else:
            auto_approve_currency = self.auto_approve_currency

        approval_sla = self.approval_sla

        on_sla_breach: str | Unset = UNSET
        if not isinstance(self.on_sla_breach, Unset):
            on_sla_breach = self.on_sla_breach

        protection_period = self.protection_period

        max_extensions = self.max_extensions

        extension_period = self.extension_period

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if auto_approve_max_amount is not UNSET:
            field_dict["auto_approve_max_amount"] = auto_approve_max_amount
        if auto_approve_tiers is not UNSET:
            field_dict["auto_approve_tiers"] = auto_approve_tiers
        if auto_approve_currency is not UNSET:
            field_dict["auto_approve_currency"] = auto_approve_currency
        if approval_sla is not UNSET:
            field_dict["approval_sla"] = approval_sla
        if on_sla_breach is not UNSET:
            field_dict["on_sla_breach"] = on_sla_breach
        if protection_period is not UNSET:
            field_dict["protection_period"] = protection_period
        if max_extensions is not UNSET:
            field_dict["max_extensions"] = max_extensions
        if extension_period is not UNSET:
            field_dict["extension_period"] = extension_period

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_auto_approve_max_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        auto_approve_max_amount = _parse_auto_approve_max_amount(d.pop("auto_approve_max_amount", UNSET))

        _auto_approve_tiers = d.pop("auto_approve_tiers", UNSET)
        auto_approve_tiers: list[PolicyInAutoApproveTiersItem] | Unset = UNSET
        if _auto_approve_tiers is not UNSET:
            auto_approve_tiers = []
            for auto_approve_tiers_item_data in _auto_approve_tiers:
                auto_approve_tiers_item = check_policy_in_auto_approve_tiers_item(auto_approve_tiers_item_data)

                auto_approve_tiers.append(auto_approve_tiers_item)

        def _parse_auto_approve_currency(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        auto_approve_currency = _parse_auto_approve_currency(d.pop("auto_approve_currency", UNSET))

        approval_sla = d.pop("approval_sla", UNSET)

        _on_sla_breach = d.pop("on_sla_breach", UNSET)
        on_sla_breach: PolicyInOnSlaBreach | Unset
        if isinstance(_on_sla_breach, Unset):
            on_sla_breach = UNSET
        else:
            on_sla_breach = check_policy_in_on_sla_breach(_on_sla_breach)

        protection_period = d.pop("protection_period", UNSET)

        max_extensions = d.pop("max_extensions", UNSET)

        extension_period = d.pop("extension_period", UNSET)

        policy_in = cls(
            auto_approve_max_amount=auto_approve_max_amount,
            auto_approve_tiers=auto_approve_tiers,
            auto_approve_currency=auto_approve_currency,
            approval_sla=approval_sla,
            on_sla_breach=on_sla_breach,
            protection_period=protection_period,
            max_extensions=max_extensions,
            extension_period=extension_period,
        )

        return policy_in
