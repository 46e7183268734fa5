from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PolicyOut")


@_attrs_define
class PolicyOut:
    """Every ceiling and assumption in force; `defaults` lists those the vendor never set.

    Attributes:
        vendor_id (str):
        min_roi (str):
        max_registration_reward_pct (str):
        max_tier_multiplier (str):
        max_budget (str):
        max_cap_per_deal (str):
        assumed_win_rate (str):
        assumed_avg_deal_amount (str):
        assumed_margin_pct (str):
        defaults (list[str]):
        version (int):
        updated_at (None | str):
    """

    vendor_id: str
    min_roi: str
    max_registration_reward_pct: str
    max_tier_multiplier: str
    max_budget: str
    max_cap_per_deal: str
    assumed_win_rate: str
    assumed_avg_deal_amount: str
    assumed_margin_pct: str
    defaults: list[str]
    version: int
    updated_at: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        min_roi = self.min_roi

        max_registration_reward_pct = self.max_registration_reward_pct

        max_tier_multiplier = self.max_tier_multiplier

        max_budget = self.max_budget

        max_cap_per_deal = self.max_cap_per_deal

        assumed_win_rate = self.assumed_win_rate

        assumed_avg_deal_amount = self.assumed_avg_deal_amount

        assumed_margin_pct = self.assumed_margin_pct

        defaults = self.defaults

        version = self.version

        updated_at: None | str
        updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "vendor_id": vendor_id,
                "min_roi": min_roi,
                "max_registration_reward_pct": max_registration_reward_pct,
                "max_tier_multiplier": max_tier_multiplier,
                "max_budget": max_budget,
                "max_cap_per_deal": max_cap_per_deal,
                "assumed_win_rate": assumed_win_rate,
                "assumed_avg_deal_amount": assumed_avg_deal_amount,
                "assumed_margin_pct": assumed_margin_pct,
                "defaults": defaults,
                "version": version,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        min_roi = d.pop("min_roi")

        max_registration_reward_pct = d.pop("max_registration_reward_pct")

        max_tier_multiplier = d.pop("max_tier_multiplier")

        max_budget = d.pop("max_budget")

        max_cap_per_deal = d.pop("max_cap_per_deal")

        assumed_win_rate = d.pop("assumed_win_rate")

        assumed_avg_deal_amount = d.pop("assumed_avg_deal_amount")

        assumed_margin_pct = d.pop("assumed_margin_pct")

        defaults = cast(list[str], d.pop("defaults"))

        version = d.pop("version")

        def _parse_updated_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        updated_at = _parse_updated_at(d.pop("updated_at"))

        policy_out = cls(
            vendor_id=vendor_id,
            min_roi=min_roi,
            max_registration_reward_pct=max_registration_reward_pct,
            max_tier_multiplier=max_tier_multiplier,
            max_budget=max_budget,
            max_cap_per_deal=max_cap_per_deal,
            assumed_win_rate=assumed_win_rate,
            assumed_avg_deal_amount=assumed_avg_deal_amount,
            assumed_margin_pct=assumed_margin_pct,
            defaults=defaults,
            version=version,
            updated_at=updated_at,
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
