from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="VendorPolicy")


@_attrs_define
class VendorPolicy:
    """The vendor's incentive policy; a field left out is its default (see GET, `defaults`).

    Attributes:
        min_roi (float | None | str | Unset):
        max_registration_reward_pct (float | None | str | Unset):
        max_tier_multiplier (float | None | str | Unset):
        max_budget (float | None | str | Unset):
        max_cap_per_deal (float | None | str | Unset):
        assumed_win_rate (float | None | str | Unset):
        assumed_avg_deal_amount (float | None | str | Unset):
        assumed_margin_pct (float | None | str | Unset):
    """

    min_roi: float | None | str | Unset = UNSET
    max_registration_reward_pct: float | None | str | Unset = UNSET
    max_tier_multiplier: float | None | str | Unset = UNSET
    max_budget: float | None | str | Unset = UNSET
    max_cap_per_deal: float | None | str | Unset = UNSET
    assumed_win_rate: float | None | str | Unset = UNSET
    assumed_avg_deal_amount: float | None | str | Unset = UNSET
    assumed_margin_pct: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        min_roi: float | None | str | Unset
        if isinstance(self.min_roi, Unset):
            min_roi = UNSET
        else:
            min_roi = self.min_roi

        max_registration_reward_pct: float | None | str | Unset
        if isinstance(self.max_registration_reward_pct, Unset):
            max_registration_reward_pct = UNSET
        else:
            max_registration_reward_pct = self.max_registration_reward_pct

        max_tier_multiplier: float | None | str | Unset
        if isinstance(self.max_tier_multiplier, Unset):
            max_tier_multiplier = UNSET
        else:
            max_tier_multiplier = self.max_tier_multiplier

        max_budget: float | None | str | Unset
        if isinstance(self.max_budget, Unset):
            max_budget = UNSET
        else:
            max_budget = self.max_budget

        max_cap_per_deal: float | None | str | Unset
        if isinstance(self.max_cap_per_deal, Unset):
            max_cap_per_deal = UNSET
        else:
            max_cap_per_deal = self.max_cap_per_deal

        assumed_win_rate: float | None | str | Unset
        if isinstance(self.assumed_win_rate, Unset):
            assumed_win_rate = UNSET
        else:
            assumed_win_rate = self.assumed_win_rate

        assumed_avg_deal_amount: float | None | str | Unset
        if isinstance(self.assumed_avg_deal_amount, Unset):
            assumed_avg_deal_amount = UNSET
        else:
            assumed_avg_deal_amount = self.assumed_avg_deal_amount

        assumed_margin_pct: float | None | str | Unset
        if isinstance(self.assumed_margin_pct, Unset):
            assumed_margin_pct = UNSET
        else:
            assumed_margin_pct = self.assumed_margin_pct

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if min_roi is not UNSET:
            field_dict["min_roi"] = min_roi
        if max_registration_reward_pct is not UNSET:
            field_dict["max_registration_reward_pct"] = max_registration_reward_pct
        if max_tier_multiplier is not UNSET:
            field_dict["max_tier_multiplier"] = max_tier_multiplier
        if max_budget is not UNSET:
            field_dict["max_budget"] = max_budget
        if max_cap_per_deal is not UNSET:
            field_dict["max_cap_per_deal"] = max_cap_per_deal
        if assumed_win_rate is not UNSET:
            field_dict["assumed_win_rate"] = assumed_win_rate
        if assumed_avg_deal_amount is not UNSET:
            field_dict["assumed_avg_deal_amount"] = assumed_avg_deal_amount
        if assumed_margin_pct is not UNSET:
            field_dict["assumed_margin_pct"] = assumed_margin_pct

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_min_roi(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        min_roi = _parse_min_roi(d.pop("min_roi", UNSET))

        def _parse_max_registration_reward_pct(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_registration_reward_pct = _parse_max_registration_reward_pct(d.pop("max_registration_reward_pct", UNSET))

        def _parse_max_tier_multiplier(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_tier_multiplier = _parse_max_tier_multiplier(d.pop("max_tier_multiplier", UNSET))

        def _parse_max_budget(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_budget = _parse_max_budget(d.pop("max_budget", UNSET))

        def _parse_max_cap_per_deal(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        max_cap_per_deal = _parse_max_cap_per_deal(d.pop("max_cap_per_deal", UNSET))

        def _parse_assumed_win_rate(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        assumed_win_rate = _parse_assumed_win_rate(d.pop("assumed_win_rate", UNSET))

        def _parse_assumed_avg_deal_amount(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        assumed_avg_deal_amount = _parse_assumed_avg_deal_amount(d.pop("assumed_avg_deal_amount", UNSET))

        def _parse_assumed_margin_pct(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        assumed_margin_pct = _parse_assumed_margin_pct(d.pop("assumed_margin_pct", UNSET))

        vendor_policy = cls(
            min_roi=min_roi,
            max_registration_reward_pct=max_registration_reward_pct,
            max_tier_multiplier=max_tier_multiplier,
            max_budget=max_budget,
            max_cap_per_deal=max_cap_per_deal,
            assumed_win_rate=assumed_win_rate,
            assumed_avg_deal_amount=assumed_avg_deal_amount,
            assumed_margin_pct=assumed_margin_pct,
        )

        return vendor_policy
