"""What the scorecard routes answer: one partner's scorecard, a vendor's ranking (a page),
its partners' activity with a trend, and the vendor's weights.

Tenancy: a vendor (or admin) sees every partner of its own; a partner only its own scorecard;
an aggregator the partners it acts for. Peers always count every partner of the vendor, but a
caller other than the vendor gets them only as percentiles and medians, never as names or ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from pipeline.domain.figures import figures_by_currency
from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import PartnerAttributes
from pipeline.domain.scorecards import (
    SORTS,
    Activity,
    CohortTotals,
    PartnerMetrics,
    PlanFigures,
    Scorecard,
    activity,
    check_weights,
    default_weights,
    full_weights,
    partner_metrics,
    rank_key,
    ranked,
    scorecards,
    trend_periods,
)
from pipeline.service.access import quarter_of, require_vendor_access
from pipeline.service.enrolments import vendor_attributes
from pipeline.service.ports import PipelineStore
from pipeline.service.scorecard_ports import ScorecardStore, WeightsRecord
from servicekit.cursors import decode_cursor, encode_cursor
from servicekit.errors import InvalidInput, NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal, Role

_PERIOD_LOC = ["query", "period"]


@dataclass(frozen=True)
class Filters:
    """The rollup terms a ranking may be narrowed to (None: any)."""

    tier: int | None = None
    territory: str | None = None
    region: str | None = None
    channel_manager: str | None = None

    def any(self) -> bool:
        return any(v is not None for v in vars(self).values())

    def match(self, terms: PartnerAttributes | None) -> bool:
        if terms is None:
            return not self.any()
        return all(want is None or getattr(terms, name) == want for name, want in vars(self).items())


@dataclass(frozen=True)
class VendorCards:
    vendor_id: str
    period: str
    cards: list[Scorecard]
    as_of: datetime


async def vendor_cards(pipeline: PipelineStore, store: ScorecardStore, vendor_id: str, quarter: Quarter) -> VendorCards:
    """Every scorecard of the vendor's partners for the period: O(partners), from the stored
    per-period totals, reward totals and pipeline figure totals (never the deals)."""
    period = str(quarter)
    as_of = datetime.now(UTC)
    totals = (await store.period_totals(vendor_id, [period]))[period]
    rewards = await store.reward_totals(vendor_id, period)
    enrolled = await store.enrolled(vendor_id)
    policy, _ = await pipeline.policy(vendor_id)
    plans = await pipeline.period_plans(vendor_id, period)
    figure_totals = await pipeline.period_totals(vendor_id, period)
    record = await store.weights(vendor_id)
    partners = sorted(enrolled | set(totals) | set(rewards) | set(plans) | set(figure_totals))
    metrics: list[PartnerMetrics] = []
    for partner in partners:
        plan = plans.get(partner)
        figures = figures_by_currency(figure_totals.get(partner, {}), [plan] if plan else [], policy)
        plan_figures = PlanFigures(figures.coverage, figures.performance_to_plan, plan[1] if plan else None)
        metrics.append(
            partner_metrics(partner, totals.get(partner, CohortTotals()), plan_figures, rewards.get(partner, {}))
        )
    weights = full_weights(record.weights if record else default_weights())
    return VendorCards(vendor_id, period, scorecards(metrics, weights), as_of)


async def partner_scorecard(
    pipeline: PipelineStore,
    store: ScorecardStore,
    principal: Principal,
    partner_id: str,
    vendor_id: str,
    period: str | None,
) -> tuple[VendorCards, Scorecard]:
    quarter = quarter_of(period, _PERIOD_LOC)
    if not principal.sees(vendor_id=vendor_id, partner_id=partner_id):
        raise NotFound("scorecard")
    found = await vendor_cards(pipeline, store, vendor_id, quarter)
    for card in found.cards:
        if card.metrics.partner_id == partner_id:
            return found, card
    raise NotFound("scorecard")


@dataclass(frozen=True)
class ScorecardPage:
    vendor_id: str
    period: str
    sort: str
    items: list[Scorecard]
    next_cursor: str | None
    as_of: datetime


_CURSOR = {"missing": int, "value": str, "partner_id": str}


def _cursor_of(key: tuple[bool, Decimal, str]) -> str:
    return encode_cursor({"missing": int(key[0]), "value": f"{key[1]:f}", "partner_id": key[2]})


def _after(cursor: str | None) -> tuple[bool, Decimal, str] | None:
    raw = decode_cursor(cursor, _CURSOR)
    if raw is None:
        return None
    try:
        value = Decimal(raw["value"])
    except ArithmeticError:
        value = None
    if value is None or not value.is_finite():
        raise InvalidInput([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])
    return (bool(raw["missing"]), value, raw["partner_id"])


def visible(principal: Principal, vendor_id: str) -> Any:
    """Which of the vendor's partners the caller may list (a predicate); 404 for another vendor."""
    if principal.acts_for_vendor(vendor_id):
        return lambda _partner: True
    if principal.role is Role.VENDOR:
        raise NotFound("vendor resource")
    return principal.acts_for_partner


async def list_scorecards(
    pipeline: PipelineStore,
    store: ScorecardStore,
    principal: Principal,
    vendor_id: str,
    period: str | None,
    sort: str,
    filters: Filters,
    limit: int,
    cursor: str | None,
) -> ScorecardPage:
    """One page of the vendor's partners ranked best first by `sort` (keyset: the cursor names
    the last partner's rank key). Peers are all the vendor's partners whatever the filters."""
    quarter = quarter_of(period, _PERIOD_LOC)
    if sort not in SORTS:
        raise InvalidInput([{"loc": ["query", "sort"], "msg": f"expected one of {', '.join(SORTS)}"}])
    may_see = visible(principal, vendor_id)
    after = _after(cursor)
    found = await vendor_cards(pipeline, store, vendor_id, quarter)
    terms: Mapping[str, PartnerAttributes] = await vendor_attributes(pipeline, vendor_id) if filters.any() else {}
    chosen = [
        c
        for c in ranked(found.cards, sort)
        if may_see(c.metrics.partner_id) and (not filters.any() or filters.match(terms.get(c.metrics.partner_id)))
    ]
    rest = [c for c in chosen if after is None or rank_key(c, sort) > after]
    page = rest[:limit]
    next_cursor = _cursor_of(rank_key(page[-1], sort)) if len(rest) > limit and page else None
    return ScorecardPage(vendor_id, found.period, sort, page, next_cursor, found.as_of)


async def partner_activity(
    store: ScorecardStore, principal: Principal, vendor_id: str, period: str | None
) -> tuple[Activity, list[Activity]]:
    """The period's partner activity, and the last four periods' (oldest first) as a trend."""
    quarter = quarter_of(period, _PERIOD_LOC)
    require_vendor_access(principal, vendor_id, "see its partners' activity")
    periods = trend_periods(quarter)
    needed = [str(p) for p in [periods[0].previous(), *periods]]
    flags = await store.activity_flags(vendor_id, needed)
    enrolled = await store.enrolled(vendor_id)
    active = {p: f[0] for p, f in flags.items()}
    producing = {p: f[1] for p, f in flags.items()}
    trend = [activity(p, enrolled, active, producing) for p in periods]
    return trend[-1], trend


# --- weights ---


async def get_weights(store: ScorecardStore, principal: Principal, vendor_id: str) -> WeightsRecord:
    """The vendor's weights; equal weights at version 0 while it has set none."""
    require_vendor_access(principal, vendor_id, "read its scorecard weights")
    record = await store.weights(vendor_id)
    return record or WeightsRecord(vendor_id, default_weights(), 0, datetime.now(UTC))


async def set_weights(
    store: ScorecardStore, principal: Principal, vendor_id: str, weights: Mapping[str, Decimal], if_match: str | None
) -> WeightsRecord:
    """Replace the vendor's weights (metrics left out weigh 0); If-Match: the version last read."""
    require_vendor_access(principal, vendor_id, "set its scorecard weights")
    problems = check_weights(weights)
    if problems:
        raise InvalidInput(
            [
                {"loc": ["body", "weights"] + ([] if m == "weights" else [m]), "msg": msg, "type": "value_error"}
                for m, msg in problems
            ]
        )
    async with store.transaction():
        current = await store.weights(vendor_id, for_update=True)
        check_if_match(if_match, 0 if current is None else current.version)
        record = WeightsRecord(
            vendor_id, full_weights(weights), 1 if current is None else current.version + 1, datetime.now(UTC)
        )
        await store.save_weights(record)
    return record
