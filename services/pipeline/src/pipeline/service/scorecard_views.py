"""How scorecards and activity look on the wire: counts as integers, every other number a decimal
string (rates to 4 places, percentiles, hours, days and money to 2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pipeline.domain.scorecards import METRICS, MONEY_METRICS, Activity, Scorecard, Value
from servicekit.money import format_money

_RATES = frozenset({"approval_rate", "conflict_rate", "win_rate", "coverage", "performance_to_plan"})


def _metric_text(metric: str, value: Value) -> str | int | None:
    if value is None or isinstance(value, int):
        return value
    if metric in MONEY_METRICS:
        return format_money(value)
    return f"{value:f}"


def _median_text(metric: str, value: Decimal | None) -> str | None:
    if value is None:
        return None
    places = Decimal("0.0001") if metric in _RATES else Decimal("0.01")
    return f"{value.quantize(places):f}"


def scorecard_json(card: Scorecard, vendor_id: str, period: str) -> dict[str, Any]:
    metrics = card.metrics
    return {
        "partner_id": metrics.partner_id,
        "vendor_id": vendor_id,
        "period": period,
        "currency": metrics.currency,
        **{m: _metric_text(m, metrics.values[m]) for m in METRICS},
        "other_rewards": {c: format_money(a) for c, a in metrics.other_rewards.items()},
        "active": metrics.active,
        "score": f"{card.score:f}",
        "peer": {
            m: {
                "percentile": None if s.percentile is None else f"{s.percentile:f}",
                "median": _median_text(m, s.median),
            }
            for m, s in card.peer.items()
        },
    }


def activity_json(found: Activity) -> dict[str, Any]:
    return {
        "period": found.period,
        "enrolled": found.enrolled,
        "active": found.active,
        "producing": found.producing,
        "newly_active": found.newly_active,
        "lapsed": found.lapsed,
        "attrition_rate": None if found.attrition_rate is None else f"{found.attrition_rate:f}",
    }
