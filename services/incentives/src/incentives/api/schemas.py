"""Request bodies of incentives' API (pydantic checks shapes; the domain checks the rules)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
PositiveMoney = Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]
Multiplier = Annotated[Decimal, Field(ge=0, le=10, max_digits=6, decimal_places=4, allow_inf_nan=False)]
Fraction = Annotated[Decimal, Field(ge=0, le=1, max_digits=6, decimal_places=4, allow_inf_nan=False)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class ProgramCreate(BaseModel):
    """A program's terms. `ends_on` may not be before `starts_on`; `tier_multipliers` gives each of
    tiers 1, 2 and 3."""

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
    tier_multipliers: Annotated[
        dict[Literal["1", "2", "3"], Multiplier], Field(json_schema_extra={"minProperties": 3})
    ] = {"1": Decimal(1), "2": Decimal(1), "3": Decimal(1)}
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


# Responses: every figure is a string as the contract shows it (money with two places).


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ProgramOut(_Out):
    id: str
    vendor_id: str
    partner_id: str | None
    name: str
    currency: str
    starts_on: str
    ends_on: str
    registration_reward_pct: str
    pay_registration_on: str
    stage_bonuses: dict[str, Any]
    close_won_pct: str
    clawback_on_reject: bool
    tier_multipliers: dict[str, Any]
    cap_per_deal: str | None
    budget: str | None
    spent: str
    remaining: str | None
    created_at: str
    version: int


class ProgramPage(_Out):
    items: list[ProgramOut]
    next_cursor: str | None


class EntryOut(_Out):
    id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str
    kind: str
    stage: str | None
    amount: str
    requested: str
    cut: str
    cut_reason: str | None
    currency: str
    event_id: str
    created_at: str


class LedgerPage(_Out):
    items: list[EntryOut]
    next_cursor: str | None


class DealRewardsOut(_Out):
    deal_id: str
    currency: str | None
    net: str
    items: list[EntryOut]


class DealEarningsOut(_Out):
    deal_id: str
    currency: str
    earned: str
    clawed_back: str
    net: str


class CurrencyFigures(_Out):
    """One currency's figures (the kinds present in its lines only)."""

    earned: str
    clawed_back: str
    net: str
    paid: str
    unpaid: str
    by_kind: dict[str, str]
    deals: list[DealEarningsOut]


class EarningsOut(_Out):
    """Currencies are never added: with several (and no ?currency=) the top-level figures are null."""

    rep_id: str
    period: str | None
    currency: str | None
    earned: str | None
    clawed_back: str | None
    net: str | None
    paid: str | None
    unpaid: str | None
    by_kind: dict[str, str] | None
    deals: list[DealEarningsOut]
    by_currency: dict[str, CurrencyFigures]


class PayoutLineOut(_Out):
    rep_id: str
    partner_id: str
    amount: str
    currency: str
    entry_count: int


class PayoutOut(_Out):
    """A payout is in one currency: `currency` and `total` are its, `totals` the same per currency."""

    id: str
    vendor_id: str
    up_to: str
    currency: str
    total: str
    totals: dict[str, str]
    created_at: str
    lines: list[PayoutLineOut]


class PayoutSummary(_Out):
    id: str
    currency: str
    total: str
    line_count: int


class PayoutsOut(PayoutOut):
    """The first payout (by currency code) and, in `payouts`, every payout the request created."""

    payouts: list[PayoutSummary]


class SimulationOut(_Out):
    expected_registrations: int
    expected_wins: str
    expected_revenue: str
    payout_before_budget: str
    expected_payout: str
    budget_limited: bool
    roi: str | None


class PolicyOut(_Out):
    """Every ceiling and assumption in force; `defaults` lists those the vendor never set."""

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
    updated_at: str | None


class ProposalOut(_Out):
    id: str
    vendor_id: str
    partner_id: str
    status: str
    roi: str | None
    min_roi: str | None
    simulation: dict[str, Any]
    gate: dict[str, Any] | None
    program: dict[str, Any]
    forecast: dict[str, Any]
    program_id: str | None
    created_at: str
    decided_at: str | None
    version: int
