"""The lead waterfall: work back from a revenue target to the leads it takes.

remaining_revenue    = max(0, revenue_target - existing_pipeline x win_rate)
deals_needed         = ceil(remaining_revenue / avg_deal_size)
opportunities_needed = ceil(deals_needed / win_rate)
leads_needed         = ceil(opportunities_needed / lead_to_opportunity_rate)

Each step rounds up a whole count (there is no half a deal), and the next step starts from that
count, as one would by hand. Existing open pipeline is expected to close at the win rate, so its
expected revenue is what it takes off the target. Rates are fractions: 0 < rate <= 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from servicekit.money import to_cents


class WaterfallInputError(ValueError):
    """An invalid input; `field` names it as the API shows it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class LeadWaterfall:
    remaining_revenue: Decimal  # the target left after the existing pipeline's expected revenue
    deals_needed: int
    opportunities_needed: int
    leads_needed: int


def lead_waterfall(
    revenue_target: Decimal,
    avg_deal_size: Decimal,
    win_rate: Decimal,
    lead_to_opportunity_rate: Decimal,
    existing_pipeline: Decimal = Decimal(0),
) -> LeadWaterfall:
    """Deals, opportunities and leads needed; raises WaterfallInputError for invalid inputs."""
    _finite("revenue_target", revenue_target)
    if revenue_target < 0:
        raise WaterfallInputError("revenue_target", "must be >= 0")
    _finite("avg_deal_size", avg_deal_size)
    if avg_deal_size <= 0:
        raise WaterfallInputError("avg_deal_size", "must be greater than 0")
    _rate("win_rate", win_rate)
    _rate("lead_to_opportunity_rate", lead_to_opportunity_rate)
    _finite("existing_pipeline", existing_pipeline)
    if existing_pipeline < 0:
        raise WaterfallInputError("existing_pipeline", "must be >= 0")

    remaining = to_cents(max(Decimal(0), revenue_target - existing_pipeline * win_rate))
    deals = _ceil(remaining / avg_deal_size)
    opportunities = _ceil(Decimal(deals) / win_rate)
    leads = _ceil(Decimal(opportunities) / lead_to_opportunity_rate)
    return LeadWaterfall(remaining, deals, opportunities, leads)


def _ceil(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_CEILING))


def _finite(field: str, value: Decimal) -> None:
    if not value.is_finite():
        raise WaterfallInputError(field, "must be a finite number")


def _rate(field: str, value: Decimal) -> None:
    _finite(field, value)
    if value <= 0:
        raise WaterfallInputError(field, "must be greater than 0 (nothing is ever won or converted at 0)")
    if value > 1:
        raise WaterfallInputError(field, "must be at most 1 (a fraction, e.g. 0.25 for 25 %)")
