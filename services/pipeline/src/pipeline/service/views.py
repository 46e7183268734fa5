"""How figures, policies and plans look on the wire (responses and event data): money and ratios as
decimal strings."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.domain.figures import PipelineFigures
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.records import Plan, PolicyVersion
from servicekit.money import format_money

MONEY_FIGURES = (
    "plan",
    "closed_won",
    "pipeline_total",
    "pipeline_target",
    "risk_adjusted_pipeline",
    "risk_adjusted_target",
    "avg_deal_size",
    "sales_velocity",
)
RATIO_FIGURES = ("performance_to_plan", "coverage", "win_rate", "avg_cycle_days")
COUNT_FIGURES = ("open_deals", "won_deals", "lost_deals")


def _money(value: Decimal | None) -> str | None:
    return None if value is None else format_money(value)


def _decimal(value: Decimal | None) -> str | None:
    # Already rounded by the domain to its places ("0.8000", "12.50"): written as computed.
    return None if value is None else f"{value:f}"


def figures_json(figures: PipelineFigures) -> dict[str, Any]:
    """The contract's figures: money and ratios as decimal strings (or null), counts as integers;
    `currency` (the one the money figures are in) and `other_currencies`."""
    out: dict[str, Any] = {}
    for name in MONEY_FIGURES:
        out[name] = _money(getattr(figures, name))
    for name in RATIO_FIGURES:
        out[name] = _decimal(getattr(figures, name))
    for name in COUNT_FIGURES:
        out[name] = getattr(figures, name)
    out["currency"] = figures.currency
    out["other_currencies"] = {
        currency: {
            "pipeline_total": format_money(summary.pipeline_total),
            "closed_won": format_money(summary.closed_won),
            "open_deals": summary.open_deals,
        }
        for currency, summary in figures.other_currencies.items()
    }
    return out


def policy_json(vendor_id: str, policy: PipelinePolicy, row: PolicyVersion | None) -> dict[str, Any]:
    return {
        "vendor_id": vendor_id,
        "total_index": f"{policy.total_index:f}",
        "risk_adjusted_index": f"{policy.risk_adjusted_index:f}",
        "stage_probabilities": {k: f"{v:f}" for k, v in policy.stage_probabilities.items()},
        "at_risk_threshold": f"{policy.at_risk_threshold:f}",
        "is_default": row is None,
        "updated_at": None if row is None else row.updated_at.isoformat(),
        "version": 0 if row is None else row.version,
    }


def plan_json(row: Plan) -> dict[str, Any]:
    return {
        "partner_id": row.partner_id,
        "vendor_id": row.vendor_id,
        "period": row.period,
        "revenue_target": format_money(row.revenue_target),
        "currency": row.currency,
        "updated_at": row.updated_at.isoformat(),
        "version": row.version,
    }
