from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.program_out_stage_bonuses import ProgramOutStageBonuses
    from ..models.program_out_tier_multipliers import ProgramOutTierMultipliers


T = TypeVar("T", bound="ProgramOut")


@_attrs_define
class ProgramOut:
    """
    Attributes:
        id (str):
        vendor_id (str):
        partner_id (None | str):
        name (str):
        currency (str):
        starts_on (str):
        ends_on (str):
        registration_reward_pct (str):
        pay_registration_on (str):
        stage_bonuses (ProgramOutStageBonuses):
        close_won_pct (str):
        clawback_on_reject (bool):
        tier_multipliers (ProgramOutTierMultipliers):
        cap_per_deal (None | str):
        budget (None | str):
        spent (str):
        remaining (None | str):
        created_at (str):
        version (int):
    """

    id: str
    vendor_id: str
    partner_id: None | str
    name: str
    currency: str
    starts_on: str
    ends_on: str
    registration_reward_pct: str
    pay_registration_on: str
    stage_bonuses: ProgramOutStageBonuses
    close_won_pct: str
    clawback_on_reject: bool
    tier_multipliers: ProgramOutTierMultipliers
    cap_per_deal: None | str
    budget: None | str
    spent: str
    remaining: None | str
    created_at: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        vendor_id = self.vendor_id

        partner_id: None | str
        partner_id = self.partner_id

        name = self.name

        currency = self.currency

        starts_on = self.starts_on

        ends_on = self.ends_on

        registration_reward_pct = self.registration_reward_pct

        pay_registration_on = self.pay_registration_on

        stage_bonuses = self.stage_bonuses.to_dict()

        close_won_pct = self.close_won_pct

        clawback_on_reject = self.clawback_on_reject

        tier_multipliers = self.tier_multipliers.to_dict()

        cap_per_deal: None | str
        cap_per_deal = self.cap_per_deal

        budget: None | str
        budget = self.budget

        spent = self.spent

        remaining: None | str
        remaining = self.remaining

        created_at = self.created_at

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "vendor_id": vendor_id,
                "partner_id": partner_id,
                "name": name,
                "currency": currency,
                "starts_on": starts_on,
                "ends_on": ends_on,
                "registration_reward_pct": registration_reward_pct,
                "pay_registration_on": pay_registration_on,
                "stage_bonuses": stage_bonuses,
                "close_won_pct": close_won_pct,
                "clawback_on_reject": clawback_on_reject,
                "tier_multipliers": tier_multipliers,
                "cap_per_deal": cap_per_deal,
                "budget": budget,
                "spent": spent,
                "remaining": remaining,
                "created_at": created_at,
                "version": version,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.program_out_stage_bonuses import ProgramOutStageBonuses  # noqa: PLC0415
        from ..models.program_out_tier_multipliers import ProgramOutTierMultipliers  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        vendor_id = d.pop("vendor_id")

        def _parse_partner_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        partner_id = _parse_partner_id(d.pop("partner_id"))

        name = d.pop("name")

        currency = d.pop("currency")

        starts_on = d.pop("starts_on")

        ends_on = d.pop("ends_on")

        registration_reward_pct = d.pop("registration_reward_pct")

        pay_registration_on = d.pop("pay_registration_on")

        stage_bonuses = ProgramOutStageBonuses.from_dict(d.pop("stage_bonuses"))

        close_won_pct = d.pop("close_won_pct")

        clawback_on_reject = d.pop("clawback_on_reject")

        tier_multipliers = ProgramOutTierMultipliers.from_dict(d.pop("tier_multipliers"))

        def _parse_cap_per_deal(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cap_per_deal = _parse_cap_per_deal(d.pop("cap_per_deal"))

        def _parse_budget(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        budget = _parse_budget(d.pop("budget"))

        spent = d.pop("spent")

        def _parse_remaining(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        remaining = _parse_remaining(d.pop("remaining"))

        created_at = d.pop("created_at")

        version = d.pop("version")

        program_out = cls(
            id=id,
            vendor_id=vendor_id,
            partner_id=partner_id,
            name=name,
            currency=currency,
            starts_on=starts_on,
            ends_on=ends_on,
            registration_reward_pct=registration_reward_pct,
            pay_registration_on=pay_registration_on,
            stage_bonuses=stage_bonuses,
            close_won_pct=close_won_pct,
            clawback_on_reject=clawback_on_reject,
            tier_multipliers=tier_multipliers,
            cap_per_deal=cap_per_deal,
            budget=budget,
            spent=spent,
            remaining=remaining,
            created_at=created_at,
            version=version,
        )

        program_out.additional_properties = d
        return program_out

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
