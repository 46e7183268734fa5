"""Request bodies and response models of pipeline's API."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from pipeline.domain.policy import (
    DEFAULT_AT_RISK_THRESHOLD,
    DEFAULT_RISK_ADJUSTED_INDEX,
    DEFAULT_STAGE_PROBABILITIES,
    DEFAULT_TOTAL_INDEX,
)

# At most 15 digits before the point (the contract's bound; the columns are NUMERIC(18, 2)): more is
# a 422 naming the field, never a database error.
Money = Annotated[Decimal, Field(ge=0, max_digits=17, decimal_places=2, allow_inf_nan=False)]
Fraction = Annotated[Decimal, Field(max_digits=12, decimal_places=6, allow_inf_nan=False)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class PolicyIn(BaseModel):
    """Fields left out take the contract's defaults; range checks are the domain's (PipelinePolicy)."""

    model_config = ConfigDict(extra="forbid")

    total_index: Fraction = DEFAULT_TOTAL_INDEX
    risk_adjusted_index: Fraction = DEFAULT_RISK_ADJUSTED_INDEX
    stage_probabilities: dict[str, Fraction] = Field(default_factory=lambda: dict(DEFAULT_STAGE_PROBABILITIES))
    at_risk_threshold: Fraction = DEFAULT_AT_RISK_THRESHOLD


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: Id
    revenue_target: Money
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


class LeadWaterfallIn(BaseModel):
    """Rates are fractions (0 < rate <= 1); their ranges are checked by the domain."""

    model_config = ConfigDict(extra="forbid")

    revenue_target: Money
    avg_deal_size: Money
    win_rate: Fraction
    lead_to_opportunity_rate: Fraction
    existing_pipeline: Money = Decimal(0)


# --- responses (the same JSON as ever: money and ratios as decimal strings, see service/views.py) ---


class PolicyOut(BaseModel):
    vendor_id: str
    total_index: str
    risk_adjusted_index: str
    stage_probabilities: dict[str, str]
    at_risk_threshold: str
    is_default: bool
    updated_at: str | None
    version: int


class PlanOut(BaseModel):
    partner_id: str
    vendor_id: str
    period: str
    revenue_target: str
    currency: str
    updated_at: str
    version: int


class OtherCurrencyOut(BaseModel):
    pipeline_total: str
    closed_won: str
    open_deals: int


class FiguresOut(BaseModel):
    """The contract's figures (service/views.figures_json), in its order."""

    plan: str | None
    closed_won: str | None
    pipeline_total: str | None
    pipeline_target: str | None
    risk_adjusted_pipeline: str | None
    risk_adjusted_target: str | None
    avg_deal_size: str | None
    sales_velocity: str | None
    performance_to_plan: str | None
    coverage: str | None
    win_rate: str | None
    avg_cycle_days: str | None
    open_deals: int
    won_deals: int
    lost_deals: int
    currency: str | None
    other_currencies: dict[str, OtherCurrencyOut]


class _PartnerHead(BaseModel):
    partner_id: str
    vendor_id: str
    period: str


class PartnerPipelineOut(FiguresOut, _PartnerHead):
    """partner_id, vendor_id, period, then the figures, then as_of (pydantic orders fields base-first)."""

    as_of: str


class _GroupHead(BaseModel):
    key: str | None


class RollupGroupOut(FiguresOut, _GroupHead):
    other_plans: dict[str, str]


class RollupsOut(BaseModel):
    vendor_id: str
    period: str
    by: str
    items: list[RollupGroupOut]
    next_cursor: str | None
    as_of: str


class LeadWaterfallOut(BaseModel):
    remaining_revenue: str
    deals_needed: int
    opportunities_needed: int
    leads_needed: int
