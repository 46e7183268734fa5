"""Request bodies of pipeline's API (responses are built in service/views.py)."""

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
