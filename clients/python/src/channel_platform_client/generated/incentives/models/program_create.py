from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.program_create_pay_registration_on import (
    ProgramCreatePayRegistrationOn,
    check_program_create_pay_registration_on,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.program_create_stage_bonuses import ProgramCreateStageBonuses
    from ..models.program_create_tier_multipliers import ProgramCreateTierMultipliers


T = TypeVar("T", bound="ProgramCreate")


@_attrs_define
class ProgramCreate:
    """A program's terms. `ends_on` may not be before `starts_on`; `tier_multipliers` gives each of
    tiers 1, 2 and 3.

        Attributes:
            vendor_id (str):
            name (str):
            currency (str):
            starts_on (datetime.date):
            ends_on (datetime.date):
            registration_reward_pct (float | str):
            partner_id (None | str | Unset):
            pay_registration_on (ProgramCreatePayRegistrationOn | Unset):  Default: 'registered'.
            stage_bonuses (ProgramCreateStageBonuses | Unset):
            close_won_pct (float | str | Unset):  Default: 0.0.
            clawback_on_reject (bool | Unset):  Default: True.
            tier_multipliers (ProgramCreateTierMultipliers | Unset):
            cap_per_deal (float | None | str | Unset):
            budget (float | None | str | Unset):
    """

    vendor_id: str
    name: str
    currency: str
    starts_on: datetime.date
    ends_on: datetime.date
    registration_reward_pct: float | str
    partner_id: None | str | Unset = UNSET
    pay_registration_on: ProgramCreatePayRegistrationOn | Unset = "registered"
    stage_bonuses: ProgramCreateStageBonuses | Unset = UNSET
    close_won_pct: float | str | Unset = 0.0
    clawback_on_reject: bool | Unset = True
    tier_multipliers: ProgramCreateTierMultipliers | Unset = UNSET
    cap_per_deal: float | None | str | Unset = UNSET
    budget: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        vendor_id = self.vendor_id

        name = self.name

        currency = self.currency

        starts_on = self.starts_on.isoformat()

        ends_on = self.ends_on.isoformat()

        registration_reward_pct: float | str
        registration_reward_pct = self.registration_reward_pct

        partner_id: None | str | Unset
        if isinstance(self.partner_id, Unset):
            partner_id = UNSET
        else:
            partner_id = self.partner_id

        pay_registration_on: str | Unset = UNSET
        if not isinstance(self.pay_registration_on, Unset):
            pay_registration_on = self.pay_registration_on

        stage_bonuses: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stage_bonuses, Unset):
            stage_bonuses = self.stage_bonuses.to_dict()

        close_won_pct: float | str | Unset
        if isinstance(self.close_won_pct, Unset):
            close_won_pct = UNSET
        else:
            close_won_pct = self.close_won_pct

        clawback_on_reject = self.clawback_on_reject

        tier_multipliers: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tier_multipliers, Unset):
            tier_multipliers = self.tier_multipliers.to_dict()

        cap_per_deal: float | None | str | Unset
        if isinstance(self.cap_per_deal, Unset):
            cap_per_deal = UNSET
        else:
            cap_per_deal = self.cap_per_deal

        budget: float | None | str | Unset
        if isinstance(self.budget, Unset):
            budget = UNSET
        else:
            budget = self.budget

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "vendor_id": vendor_id,
                "name": name,
                "currency": currency,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "registration_reward_pct": registration_reward_pct,
            }
        )
        if partner_id is not UNSET:
            field_dict["partner_id"] = partner_id
        if pay_registration_on is not UNSET:
            field_dict["pay_registration_on"] = pay_registration_on
        if stage_bonuses is not UNSET:
            field_dict["stage_bonuses"] = stage_bonuses
        if close_won_pct is not UNSET:
            field_dict["close_won_pct"] = close_won_pct
        if clawback_on_reject is not UNSET:
            field_dict["clawback_on_reject"] = clawback_on_reject
        if tier_multipliers is not UNSET:
            field_dict["tier_multipliers"] = tier_multipliers
        if cap_per_deal is not UNSET:
            field_dict["cap_per_deal"] = cap_per_deal
        if budget is not UNSET:
            field_dict["budget"] = budget

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.program_create_stage_bonuses import ProgramCreateStageBonuses  # noqa: PLC0415
        from ..models.program_create_tier_multipliers import (
            ProgramCreateTierMultipliers,  # noqa: PLC0415
        )

        d = dict(src_dict)
        vendor_id = d.pop("vendor_id")

        name = d.pop("name")

        currency = d.pop("currency")

        starts_on = datetime.date.fromisoformat(d.pop("starts_on"))

        ends_on = datetime.date.fromisoformat(d.pop("ends_on"))

        def _parse_registration_reward_pct(data: object) -> float | str:
            return cast(float | str, data)

        registration_reward_pct = _parse_registration_reward_pct(d.pop("registration_reward_pct"))

        def _parse_partner_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        partner_id = _parse_partner_id(d.pop("partner_id", UNSET))

        _pay_registration_on = d.pop("pay_registration_on", UNSET)
        pay_registration_on: ProgramCreatePayRegistrationOn | Unset
        if isinstance(_pay_registration_on, Unset):
            pay_registration_on = UNSET
        else:
            pay_registration_on = check_program_create_pay_registration_on(_pay_registration_on)

        _stage_bonuses = d.pop("stage_bonuses", UNSET)
        stage_bonuses: ProgramCreateStageBonuses | Unset
        if isinstance(_stage_bonuses, Unset):
            stage_bonuses = UNSET
        else:
            stage_bonuses = ProgramCreateStageBonuses.from_dict(_stage_bonuses)

        def _parse_close_won_pct(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        close_won_pct = _parse_close_won_pct(d.pop("close_won_pct", UNSET))

        clawback_on_reject = d.pop("clawback_on_reject", UNSET)

        _tier_multipliers = d.pop("tier_multipliers", UNSET)
        tier_multipliers: ProgramCreateTierMultipliers | Unset
        if isinstance(_tier_multipliers, Unset):
            tier_multipliers = UNSET
        else:
            tier_multipliers = ProgramCreateTierMultipliers.from_dict(_tier_multipliers)

        def _parse_cap_per_deal(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        cap_per_deal = _parse_cap_per_deal(d.pop("cap_per_deal", UNSET))

        def _parse_budget(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        budget = _parse_budget(d.pop("budget", UNSET))

        program_create = cls(
            vendor_id=vendor_id,
            name=name,
            currency=currency,
            starts_on=starts_on,
            ends_on=ends_on,
            registration_reward_pct=registration_reward_pct,
            partner_id=partner_id,
            pay_registration_on=pay_registration_on,
            stage_bonuses=stage_bonuses,
            close_won_pct=close_won_pct,
            clawback_on_reject=clawback_on_reject,
            tier_multipliers=tier_multipliers,
            cap_per_deal=cap_per_deal,
            budget=budget,
        )

        return program_create
