"""Request bodies of incentives' API (pydantic checks shapes; the domain checks the rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]
Multiplier = Annotated[Decimal, Field(ge=0, le=10, max_digits=6, decimal_places=4, allow_inf_nan=False)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4, allow_inf_nan=False)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: Id
    partner_id: Id | None = None
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    starts_on: date
    ends_on: date
    registration_reward_pct: Percent
    pay_registration_on: Literal["registered", "approved"] = "registered"
    stage_bonuses: dict[Literal["qualified", "proposal", "negotiation", "closed_won"], Money] = {}
    close_won_pct: Percent = Decimal(0)
    clawback_on_reject: bool = True
    tier_multipliers: dict[Literal["1", "2", "3"], Multiplier] = {"1": Decimal(1), "2": Decimal(1), "3": Decimal(1)}
    cap_per_deal: PositiveMoney | None = None
    budget: PositiveMoney | None = None

    @model_validator(mode="after")
    def _whole(self) -> ProgramCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        if set(self.tier_multipliers) != {"1", "2", "3"}:
            raise ValueError("tier_multipliers must give exactly tiers 1, 2 and 3")
        return self


class ProgramUpdate(BaseModel):
    """What may change on a program: its name, its end (money rules never change once set)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    ends_on: date | None = None


class PayoutCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: Id
    up_to: AwareDatetime | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None


class ForecastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expected_registrations: Annotated[int, Field(ge=0, le=10_000_000)]
    win_rate: Fraction
    avg_deal_amount: Money
    avg_margin_pct: Percent
    stage_reach_rates: dict[Literal["qualified", "proposal", "negotiation"], Fraction] = {}
    tier_mix: dict[Literal["1", "2", "3"], Fraction] = {"1": Decimal(1)}


class SimulateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program: ProgramCreate
    forecast: ForecastIn


class ProposalCreate(BaseModel):
    """A partner's build-your-own program (for itself) and the forecast it is judged on."""

    model_config = ConfigDict(extra="forbid")

    program: ProgramCreate
    forecast: ForecastIn


Roi = Annotated[Decimal, Field(ge=-1, le=1_000_000, max_digits=12, decimal_places=4, allow_inf_nan=False)]


class VendorPolicy(BaseModel):
    """The vendor's incentive policy; a field left out is its default (see GET, `defaults`)."""

    model_config = ConfigDict(extra="forbid")

    min_roi: Roi | None = None
    max_registration_reward_pct: Percent | None = None
    max_tier_multiplier: Multiplier | None = None
    max_budget: PositiveMoney | None = None
    max_cap_per_deal: PositiveMoney | None = None
    assumed_win_rate: Fraction | None = None
    assumed_avg_deal_amount: Money | None = None
    assumed_margin_pct: Percent | None = None


class ProposalDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: Literal["approved", "rejected"]
