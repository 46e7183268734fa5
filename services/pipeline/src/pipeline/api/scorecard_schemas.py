"""Request and response models of the scorecard routes (numbers other than counts are decimal strings)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Weight = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=6, allow_inf_nan=False)]


class PeerOut(BaseModel):
    percentile: str | None = Field(description="0..100 among the vendor's partners (100: best); null without a value.")
    median: str | None = Field(description="The peers' median; null when no peer has a value.")


class ScorecardOut(BaseModel):
    partner_id: str
    vendor_id: str
    period: str
    currency: str | None = Field(description="The currency of avg_deal_size, sales_velocity and rewards_net.")
    registrations: int
    approved: int
    rejected: int
    approval_rate: str | None
    median_hours_to_decision: str | None
    sla_breaches: int
    conflict_rate: str | None
    won: int
    lost: int
    win_rate: str | None
    avg_deal_size: str | None
    avg_cycle_days: str | None
    sales_velocity: str | None
    coverage: str | None
    performance_to_plan: str | None
    rewards_net: str | None
    other_rewards: dict[str, str] = Field(description="Net rewards in currencies other than `currency`.")
    active: bool
    score: str = Field(description="0..100, the weighted mean of the partner's percentiles (README).")
    peer: dict[str, PeerOut]
    as_of: str


class ScorecardsOut(BaseModel):
    vendor_id: str
    period: str
    sort: str
    items: list[ScorecardOut]
    next_cursor: str | None
    as_of: str


class MetricWeights(BaseModel):
    """A weight (>= 0) per metric; metrics left out weigh 0, and at least one must be above 0."""

    model_config = ConfigDict(extra="forbid")

    registrations: Weight | None = None
    approved: Weight | None = None
    rejected: Weight | None = None
    approval_rate: Weight | None = None
    median_hours_to_decision: Weight | None = None
    sla_breaches: Weight | None = None
    conflict_rate: Weight | None = None
    won: Weight | None = None
    lost: Weight | None = None
    win_rate: Weight | None = None
    avg_deal_size: Weight | None = None
    avg_cycle_days: Weight | None = None
    sales_velocity: Weight | None = None
    coverage: Weight | None = None
    performance_to_plan: Weight | None = None
    rewards_net: Weight | None = None


class WeightsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    weights: MetricWeights = Field(
        description="Metric -> weight (>= 0, at least one above 0); metrics left out weigh 0.",
        examples=[{"win_rate": "2", "registrations": "1", "median_hours_to_decision": "1"}],
    )


class WeightsOut(BaseModel):
    vendor_id: str
    weights: dict[str, str]
    is_default: bool
    version: int


class ActivityOut(BaseModel):
    period: str
    enrolled: int
    active: int
    producing: int
    newly_active: int
    lapsed: int
    attrition_rate: str | None


class PartnerActivityOut(ActivityOut):
    vendor_id: str
    trend: list[ActivityOut] = Field(description="The last four periods, oldest first, ending with this one.")
