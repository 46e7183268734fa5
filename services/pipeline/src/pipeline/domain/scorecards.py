"""Partner scorecards: per-deal facts, each partner's metrics for a period, peer percentiles and
medians, the weighted score, and the vendor's partner activity. Pure: no I/O.

Which deals a scorecard counts (the contract: "over the deals registered in the period"): the
*cohort* of the period is the partner's deals with that vendor whose registration time
(created_at, UTC) falls in the quarter. Every deal metric is over the cohort:
- registrations: cohort size; approved: cohort deals the vendor approved (status approved, or
  closed or expired after approval); rejected: status rejected;
- approval_rate = approved / (approved + rejected);
- median_hours_to_decision: median over decided cohort deals of the hours from registration to the
  first decision event (deal-approved / deal-rejected, or a registration already approved);
- sla_breaches: cohort deals that got a deal-approval-overdue event;
- conflict_rate = cohort deals flagged `conflict` / registrations;
- won, lost: cohort deals closed won / lost; win_rate = won / (won + lost);
- avg_cycle_days: average days from the registration date to closed_on over closed cohort deals;
- avg_deal_size: average final amount of won cohort deals *in the scorecard's currency*;
- sales_velocity = registrations in that currency x avg_deal_size x win_rate / avg_cycle_days
  (money per day, the channel practice's formula over the cohort).
coverage and performance_to_plan are the pipeline figures of the period (domain/figures.py: deals
placed by close date, the plan's currency). rewards_net is the sum of the partner's
reward-earned and reward-clawed-back amounts (clawbacks are negative) whose event time falls
in the period. `active` = registered a deal in the period or closed one in it (closed_on).

Currencies are never added together. A scorecard has one *currency*: the plan's, else the
currency most of the cohort's registrations are in (ties: alphabetical), else the currency most
of its reward entries are in. avg_deal_size, sales_velocity and rewards_net count that currency
only; rewards in any other currency appear under `other_rewards` ({"EUR": "12.00"}). Peers of a
money metric are the partners whose scorecard is in the same currency.

Rounding (half-up): rates and percentiles to 4 and 2 places, hours and days to 2, money to cents.

Peers, percentiles and the score (the README's "Partner scorecards" section states the same):
- A metric's peers are the vendor's partners with a value for it in the period (None: no value,
  e.g. a win rate with nothing closed), the partner itself included.
- percentile = 100 x (worse + (equal - 1) / 2) / (n - 1), where worse counts peers with a worse
  value and equal those with the same value (the partner included): best alone 100, worst alone 0,
  ties share the midpoint; a single peer, or everyone tied, gives 50. "Worse" follows the
  metric's direction (fewer hours to decision, SLA breaches, conflicts, rejections, losses and
  cycle days are better).
- median: the median of the peers' values (the mean of the middle two for an even count).
- score = sum(w_m x percentile_m) / sum(w_m) over the weighted metrics (w_m > 0) the partner has
  a value for; 0 when it has none. Weights are the vendor's (equal by default), so the score is
  in 0..100: 100 when the partner is the strict best on every weighted metric it has.
"""

from __future__ import annotations

import bisect
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, NamedTuple

from pipeline.domain.periods import Quarter, period_of
from pipeline.domain.read_model import DealSnapshot, DealStatus, Outcome

RATE_PLACES = Decimal("0.0001")
TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal(0)

# The metrics a scorecard ranks and weighs, with their direction (True: higher is better).
METRICS: dict[str, bool] = {
    "registrations": True,
    "approved": True,
    "rejected": False,
    "approval_rate": True,
    "median_hours_to_decision": False,
    "sla_breaches": False,
    "conflict_rate": False,
    "won": True,
    "lost": False,
    "win_rate": True,
    "avg_deal_size": True,
    "avg_cycle_days": False,
    "sales_velocity": True,
    "coverage": True,
    "performance_to_plan": True,
    "rewards_net": True,
}
MONEY_METRICS = frozenset({"avg_deal_size", "sales_velocity", "rewards_net"})
COUNT_METRICS = frozenset({"registrations", "approved", "rejected", "sla_breaches", "won", "lost"})
SORTS: tuple[str, ...] = ("score", *METRICS)
Sort = str  # "score" or a key of METRICS

_APPROVED_STATUSES = frozenset({DealStatus.APPROVED, DealStatus.CLOSED, DealStatus.EXPIRED})
_DECISION_EVENTS = frozenset({"deal-approved", "deal-rejected"})
_OVERDUE_EVENT = "deal-approval-overdue"


def _q(value: Decimal, places: Decimal) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


# --- per-deal facts ---


@dataclass(frozen=True)
class DealExtras:
    """What a scorecard needs of a deal beyond the read model's snapshot, folded from its events
    in any order, any number of times, with the same result (sticky flags, earliest decision)."""

    decided_at: datetime | None = None
    overdue: bool = False
    conflict: bool = False


def fold_extras(
    extras: DealExtras | None, event_type: str, data: Mapping[str, object], event_time: datetime
) -> DealExtras:
    """One deals.v1 event folded into a deal's extras (idempotent, order-independent)."""
    current = extras or DealExtras()
    decided = current.decided_at
    # A decision event, or a registration the vendor approved at once (auto-approval).
    if event_type in _DECISION_EVENTS or (
        event_type == "deal-registered" and data.get("status") in (DealStatus.APPROVED, DealStatus.REJECTED)
    ):
        decided = event_time if decided is None else min(decided, event_time)
    return DealExtras(
        decided_at=decided,
        overdue=current.overdue or event_type == _OVERDUE_EVENT,
        conflict=current.conflict or data.get("conflict") is True,
    )


@dataclass(frozen=True)
class DealFact:
    """One deal as scorecards count it."""

    deal_id: str
    vendor_id: str
    partner_id: str
    registered_period: str
    closed_period: str | None
    currency: str
    status: DealStatus
    outcome: Outcome | None
    final_amount: Decimal | None
    created_at: datetime
    closed_on_days: int | None  # days from the registration date to closed_on
    decided_at: datetime | None
    overdue: bool
    conflict: bool

    @property
    def keys(self) -> set[tuple[str, str, str]]:
        """The (vendor, partner, period) scorecards this deal counts in."""
        periods = {self.registered_period} | ({self.closed_period} if self.closed_period else set())
        return {(self.vendor_id, self.partner_id, p) for p in periods}


def fact_of(snapshot: DealSnapshot, extras: DealExtras) -> DealFact:
    created = snapshot.created_at.astimezone(UTC)
    closed = snapshot.status is DealStatus.CLOSED and snapshot.closed_on is not None
    return DealFact(
        deal_id=snapshot.deal_id,
        vendor_id=snapshot.vendor_id,
        partner_id=snapshot.partner_id,
        registered_period=str(period_of(created.date())),
        closed_period=str(period_of(snapshot.closed_on)) if closed and snapshot.closed_on else None,
        currency=snapshot.currency,
        status=snapshot.status,
        outcome=snapshot.outcome if closed else None,
        final_amount=snapshot.final_amount if closed else None,
        created_at=created,
        closed_on_days=(snapshot.closed_on - created.date()).days if closed and snapshot.closed_on else None,
        decided_at=extras.decided_at,
        overdue=extras.overdue,
        conflict=extras.conflict,
    )


# --- what the consumer keeps per (vendor, partner, period) ---


@dataclass(frozen=True)
class CohortTotals:
    """A partner's period, summed from its deal facts (stored, so a ranking never reads deals)."""

    registrations: int = 0
    approved: int = 0
    rejected: int = 0
    median_hours_to_decision: Decimal | None = None
    sla_breaches: int = 0
    conflicts: int = 0
    won: int = 0
    lost: int = 0
    cycle_days: int = 0  # summed over closed cohort deals
    cycle_count: int = 0
    registrations_by_currency: dict[str, int] = field(default_factory=dict)
    won_amount_by_currency: dict[str, Decimal] = field(default_factory=dict)
    won_count_by_currency: dict[str, int] = field(default_factory=dict)
    closed_in_period: int = 0  # deals closed (won or lost) with closed_on in the period
    won_in_period: int = 0

    @property
    def active(self) -> bool:
        return self.registrations > 0 or self.closed_in_period > 0

    @property
    def producing(self) -> bool:
        return self.won_in_period > 0


def hours_to_decision(elapsed: timedelta) -> Decimal:
    """Hours from registration to the first decision (0 when the decision came first)."""
    return max(ZERO, Decimal(elapsed.total_seconds())) / Decimal(3600)


def median_hours(hours: Sequence[Decimal]) -> Decimal | None:
    """median_hours_to_decision from a cohort's decision hours, or from only its middle one or two
    (their median is the whole cohort's); None when nothing was decided."""
    return _q(statistics.median(hours), TWO_PLACES) if hours else None


def cohort_totals(facts: Iterable[DealFact], period: str) -> CohortTotals:
    """The totals of one (vendor, partner)'s period from its facts (others are ignored)."""
    registrations = approved = rejected = breaches = conflicts = won = lost = 0
    cycle_days = cycle_count = closed_in = won_in = 0
    hours: list[Decimal] = []
    by_currency: Counter[str] = Counter()
    won_amount: dict[str, Decimal] = {}
    won_count: Counter[str] = Counter()
    for fact in facts:
        if fact.closed_period == period:
            closed_in += 1
            won_in += fact.outcome is Outcome.WON
        if fact.registered_period != period:
            continue
        registrations += 1
        by_currency[fact.currency] += 1
        approved += fact.status in _APPROVED_STATUSES
        rejected += fact.status is DealStatus.REJECTED
        breaches += fact.overdue
        conflicts += fact.conflict
        if fact.decided_at is not None:
            hours.append(hours_to_decision(fact.decided_at - fact.created_at))
        if fact.closed_on_days is not None:
            cycle_days += fact.closed_on_days
            cycle_count += 1
        if fact.outcome is Outcome.WON:
            won += 1
            won_count[fact.currency] += 1
            won_amount[fact.currency] = won_amount.get(fact.currency, ZERO) + (fact.final_amount or ZERO)
        elif fact.outcome is Outcome.LOST:
            lost += 1
    return CohortTotals(
        registrations=registrations,
        approved=approved,
        rejected=rejected,
        median_hours_to_decision=median_hours(hours),
        sla_breaches=breaches,
        conflicts=conflicts,
        won=won,
        lost=lost,
        cycle_days=cycle_days,
        cycle_count=cycle_count,
        registrations_by_currency=dict(sorted(by_currency.items())),
        won_amount_by_currency=dict(sorted(won_amount.items())),
        won_count_by_currency=dict(sorted(won_count.items())),
        closed_in_period=closed_in,
        won_in_period=won_in,
    )


def totals_by_key(
    facts: Iterable[DealFact], keys: Iterable[tuple[str, str, str]]
) -> dict[tuple[str, str, str], CohortTotals]:
    """cohort_totals of each key from the facts (each fact goes to the keys it counts in)."""
    wanted = set(keys)
    grouped: dict[tuple[str, str, str], list[DealFact]] = {k: [] for k in wanted}
    for fact in facts:
        for key in fact.keys & wanted:
            grouped[key].append(fact)
    return {key: cohort_totals(grouped[key], key[2]) for key in sorted(wanted)}


# --- the same totals kept current one fact's change at a time (the consumer's path) ---


def fold_fact(
    totals: CohortTotals, key: tuple[str, str, str], before: DealFact | None, after: DealFact | None
) -> CohortTotals:
    """A (vendor, partner, period) key's totals after one deal's fact went from `before` to
    `after` (None: no fact): before's contribution taken out, after's added, so the cost does not
    grow with the cohort. Exact for every field but median_hours_to_decision, returned as it was:
    the caller recomputes it when median_moves() says the cohort's decision hours changed."""
    by_currency = dict(totals.registrations_by_currency)
    won_amount = dict(totals.won_amount_by_currency)
    won_count = dict(totals.won_count_by_currency)
    counts = {
        "registrations": totals.registrations,
        "approved": totals.approved,
        "rejected": totals.rejected,
        "sla_breaches": totals.sla_breaches,
        "conflicts": totals.conflicts,
        "won": totals.won,
        "lost": totals.lost,
        "cycle_days": totals.cycle_days,
        "cycle_count": totals.cycle_count,
        "closed_in_period": totals.closed_in_period,
        "won_in_period": totals.won_in_period,
    }
    vendor_id, partner_id, period = key
    for fact, sign in ((before, -1), (after, 1)):
        if fact is None or fact.vendor_id != vendor_id or fact.partner_id != partner_id:
            continue
        if fact.closed_period == period:
            counts["closed_in_period"] += sign
            counts["won_in_period"] += sign * (fact.outcome is Outcome.WON)
        if fact.registered_period != period:
            continue
        counts["registrations"] += sign
        by_currency[fact.currency] = by_currency.get(fact.currency, 0) + sign
        counts["approved"] += sign * (fact.status in _APPROVED_STATUSES)
        counts["rejected"] += sign * (fact.status is DealStatus.REJECTED)
        counts["sla_breaches"] += sign * fact.overdue
        counts["conflicts"] += sign * fact.conflict
        if fact.closed_on_days is not None:
            counts["cycle_days"] += sign * fact.closed_on_days
            counts["cycle_count"] += sign
        if fact.outcome is Outcome.WON:
            counts["won"] += sign
            won_count[fact.currency] = won_count.get(fact.currency, 0) + sign
            amount = fact.final_amount or ZERO
            won_amount[fact.currency] = won_amount.get(fact.currency, ZERO) + (amount if sign > 0 else -amount)
        elif fact.outcome is Outcome.LOST:
            counts["lost"] += sign
    # A currency no deal counts in any more leaves the maps, as cohort_totals never lists it.
    won_currencies = sorted(c for c, n in won_count.items() if n)
    return CohortTotals(
        **counts,
        median_hours_to_decision=totals.median_hours_to_decision,
        registrations_by_currency={c: n for c, n in sorted(by_currency.items()) if n},
        won_amount_by_currency={c: won_amount[c] for c in won_currencies},
        won_count_by_currency={c: won_count[c] for c in won_currencies},
    )


def _cohort_hours(fact: DealFact | None, key: tuple[str, str, str]) -> Decimal | None:
    if fact is None or fact.decided_at is None or (fact.vendor_id, fact.partner_id, fact.registered_period) != key:
        return None
    return hours_to_decision(fact.decided_at - fact.created_at)


def median_moves(key: tuple[str, str, str], before: DealFact | None, after: DealFact | None) -> bool:
    """Whether the change adds, removes or changes a decision counted in the key's cohort (only
    then can median_hours_to_decision move; a registration without a decision leaves it)."""
    return _cohort_hours(before, key) != _cohort_hours(after, key)


# --- one partner's metrics ---


@dataclass(frozen=True)
class PlanFigures:
    """What the pipeline figures give a scorecard (None: no plan, or nothing to divide by)."""

    coverage: Decimal | None = None
    performance_to_plan: Decimal | None = None
    plan_currency: str | None = None


Value = Decimal | int | None


@dataclass(frozen=True)
class PartnerMetrics:
    partner_id: str
    currency: str | None
    values: dict[str, Value]  # every key of METRICS
    active: bool
    producing: bool
    other_rewards: dict[str, Decimal] = field(default_factory=dict)


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    return None if denominator == 0 else _q(Decimal(numerator) / Decimal(denominator), RATE_PLACES)


def _most_common(counts: Mapping[str, int | Decimal]) -> str | None:
    nonzero = [(c, n) for c, n in counts.items() if n]
    if not nonzero:
        return None
    return sorted(nonzero, key=lambda cn: (-cn[1], cn[0]))[0][0]


def scorecard_currency(totals: CohortTotals, plan_currency: str | None, rewards: Mapping[str, Decimal]) -> str | None:
    """The plan's currency, else the cohort's most registered, else the most rewarded (ties: alphabetical)."""
    if plan_currency is not None:
        return plan_currency
    by_entries = _most_common(totals.registrations_by_currency)
    if by_entries is not None:
        return by_entries
    return _most_common({c: abs(a) for c, a in rewards.items()})


def partner_metrics(
    partner_id: str, totals: CohortTotals, plan: PlanFigures, rewards: Mapping[str, Decimal]
) -> PartnerMetrics:
    """Every metric of one partner's scorecard (the module docstring defines each)."""
    currency = scorecard_currency(totals, plan.plan_currency, rewards)
    won_count = totals.won_count_by_currency.get(currency, 0) if currency else 0
    avg_deal_size = (
        _q(totals.won_amount_by_currency[currency] / won_count, TWO_PLACES) if currency and won_count else None
    )
    win_rate = _ratio(totals.won, totals.won + totals.lost)
    avg_cycle_days = _q(Decimal(totals.cycle_days) / totals.cycle_count, TWO_PLACES) if totals.cycle_count else None
    velocity: Decimal | None = None
    if avg_deal_size is not None and win_rate is not None and avg_cycle_days:
        opportunities = totals.registrations_by_currency.get(currency or "", 0)
        velocity = _q(opportunities * avg_deal_size * win_rate / avg_cycle_days, TWO_PLACES)
    values: dict[str, Value] = {
        "registrations": totals.registrations,
        "approved": totals.approved,
        "rejected": totals.rejected,
        "approval_rate": _ratio(totals.approved, totals.approved + totals.rejected),
        "median_hours_to_decision": totals.median_hours_to_decision,
        "sla_breaches": totals.sla_breaches,
        "conflict_rate": _ratio(totals.conflicts, totals.registrations),
        "won": totals.won,
        "lost": totals.lost,
        "win_rate": win_rate,
        "avg_deal_size": avg_deal_size,
        "avg_cycle_days": avg_cycle_days,
        "sales_velocity": velocity,
        "coverage": plan.coverage,
        "performance_to_plan": plan.performance_to_plan,
        "rewards_net": _q(rewards[currency], TWO_PLACES) if currency and currency in rewards else None,
    }
    others = {c: _q(a, TWO_PLACES) for c, a in sorted(rewards.items()) if c != currency}
    return PartnerMetrics(partner_id, currency, values, totals.active, totals.producing, others)


# --- peers ---


def percentile(value: Decimal | int, peers: Sequence[Decimal | int], higher_is_better: bool = True) -> Decimal:
    """The partner's percentile among `peers` (its own value included): 100 x (worse + (equal - 1)
    / 2) / (n - 1); 50 for a single peer or when all are tied. Raises ValueError when `value` is
    not among `peers`."""
    return _sorted_percentile(value, sorted(peers), higher_is_better)


def median(values: Sequence[Decimal | int]) -> Decimal | None:
    """The median (mean of the middle two for an even count); None for no values."""
    if not values:
        return None
    return Decimal(statistics.median(sorted(Decimal(v) for v in values)))


class PeerStat(NamedTuple):  # a tuple: a ranking makes one per partner and metric
    percentile: Decimal | None  # None: the partner has no value for the metric
    median: Decimal | None  # None: no peer has a value


@dataclass(frozen=True)
class Scorecard:
    metrics: PartnerMetrics
    peer: dict[str, PeerStat]
    score: Decimal


class _Ranker:
    """Peers' values per metric (money metrics per currency): each pool sorted once, and each
    distinct value's percentile computed once, so a ranking of n partners is O(n log n)."""

    def __init__(self, partners: Sequence[PartnerMetrics]) -> None:
        pools: dict[tuple[str, str | None], list[Decimal | int]] = {}
        for p in partners:
            for metric, value in p.values.items():
                if value is not None:
                    pools.setdefault(self._pool(metric, p.currency), []).append(value)
        self._medians: dict[tuple[str, str | None], Decimal | None] = {}
        self._percentiles: dict[tuple[str, str | None], dict[Decimal | int, Decimal]] = {}
        for key, pool in pools.items():
            pool.sort()
            self._medians[key] = median(pool)
            self._percentiles[key] = _pool_percentiles(pool, METRICS[key[0]])

    @staticmethod
    def _pool(metric: str, currency: str | None) -> tuple[str, str | None]:
        return (metric, currency if metric in MONEY_METRICS else None)

    def stat(self, metric: str, partner: PartnerMetrics) -> PeerStat:
        key = self._pool(metric, partner.currency)
        value = partner.values[metric]
        if value is None:
            return PeerStat(None, self._medians.get(key))
        return PeerStat(self._percentiles[key][value], self._medians[key])


def _percentile_of(worse: int, equal: int, n: int) -> Decimal:
    """100 x (worse + (equal - 1) / 2) / (n - 1), half-up to 2 places, in integers (exact, and
    far cheaper than Decimal arithmetic for thousands of partners); 50 for a single peer."""
    if n == 1:
        return Decimal("50.00")
    numerator = 10000 * (2 * worse + equal - 1)  # hundredths x 2(n - 1)
    denominator = 2 * (n - 1)
    hundredths = (2 * numerator + denominator) // (2 * denominator)  # half-up (never negative)
    return Decimal(hundredths).scaleb(-2)


def _pool_percentiles(pool: Sequence[Decimal | int], higher_is_better: bool) -> dict[Decimal | int, Decimal]:
    """Every distinct value's percentile in an ascending pool."""
    out: dict[Decimal | int, Decimal] = {}
    n = len(pool)
    start = 0
    while start < n:
        end = bisect.bisect_right(pool, pool[start], lo=start)
        equal = end - start
        worse = start if higher_is_better else n - end
        out[pool[start]] = _percentile_of(worse, equal, n)
        start = end
    return out


def _sorted_percentile(value: Decimal | int, pool: Sequence[Decimal | int], higher_is_better: bool) -> Decimal:
    """percentile() over an ascending pool in O(log n)."""
    below = bisect.bisect_left(pool, value)
    equal = bisect.bisect_right(pool, value) - below
    if equal == 0:
        raise ValueError("the partner's own value must be among its peers")
    n = len(pool)
    return _percentile_of(below if higher_is_better else n - below - equal, equal, n)


def score(peer: Mapping[str, PeerStat], weights: Mapping[str, Decimal]) -> Decimal:
    """sum(w x percentile) / sum(w) over the weighted metrics with a percentile; 0 with none."""
    used = [
        (weights[m], s.percentile) for m, s in peer.items() if weights.get(m, ZERO) > 0 and s.percentile is not None
    ]
    total = sum((w for w, _ in used), ZERO)
    if total == 0:
        return _q(ZERO, TWO_PLACES)
    return _q(sum((w * p for w, p in used), ZERO) / total, TWO_PLACES)


def scorecards(partners: Sequence[PartnerMetrics], weights: Mapping[str, Decimal]) -> list[Scorecard]:
    """Every partner's scorecard against all the others (same order as `partners`)."""
    ranker = _Ranker(partners)
    out: list[Scorecard] = []
    for partner in partners:
        peer = {m: ranker.stat(m, partner) for m in METRICS}
        out.append(Scorecard(partner, peer, score(peer, weights)))
    return out


def sort_value(card: Scorecard, sort: Sort) -> Decimal | int | None:
    return card.score if sort == "score" else card.metrics.values[sort]


def rank_key(card: Scorecard, sort: Sort) -> tuple[bool, Decimal, str]:
    """Best first: by the sort's value in its direction, partners without one last, then by id."""
    value = sort_value(card, sort)
    higher = True if sort == "score" else METRICS[sort]
    if value is None:
        return (True, ZERO, card.metrics.partner_id)
    number = Decimal(value)
    return (False, -number if higher else number, card.metrics.partner_id)


def ranked(cards: Iterable[Scorecard], sort: Sort) -> list[Scorecard]:
    return sorted(cards, key=lambda c: rank_key(c, sort))


# --- weights ---

WeightsProblem = tuple[str, str]  # (metric or "weights", message)


def default_weights() -> dict[str, Decimal]:
    return dict.fromkeys(METRICS, Decimal(1))


def check_weights(weights: Mapping[str, Decimal]) -> list[WeightsProblem]:
    """Problems of a vendor's weights: unknown metrics, negative weights, none positive."""
    problems: list[WeightsProblem] = []
    for metric, weight in weights.items():
        if metric not in METRICS:
            problems.append((metric, f"unknown metric; expected one of {', '.join(METRICS)}"))
        elif weight < 0:
            problems.append((metric, "a weight must be 0 or more"))
    if not problems and not any(w > 0 for w in weights.values()):
        problems.append(("weights", "at least one weight must be above 0"))
    return problems


def full_weights(weights: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Every metric's weight: those named, 0 for the metrics left out."""
    return {m: weights.get(m, ZERO) for m in METRICS}


# --- partner activity ---


@dataclass(frozen=True)
class Activity:
    period: str
    enrolled: int
    active: int
    producing: int
    newly_active: int
    lapsed: int
    attrition_rate: Decimal | None  # lapsed / active in the period before


def activity(
    period: Quarter,
    enrolled: Iterable[str],
    active_by_period: Mapping[str, set[str]],
    producing_by_period: Mapping[str, set[str]],
) -> Activity:
    """The vendor's partner activity in `period`: enrolled counts the partners enrolled or active
    in it; newly active = active now and not in the period before; lapsed = the reverse."""
    now = active_by_period.get(str(period), set())
    before = active_by_period.get(str(period.previous()), set())
    lapsed = before - now
    return Activity(
        period=str(period),
        enrolled=len(set(enrolled) | now),
        active=len(now),
        producing=len(producing_by_period.get(str(period), set())),
        newly_active=len(now - before),
        lapsed=len(lapsed),
        attrition_rate=_ratio(len(lapsed), len(before)),
    )


def trend_periods(period: Quarter, count: int = 4) -> list[Quarter]:
    """The `count` periods ending with `period`, oldest first."""
    out = [period]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[::-1]


def rate_text(value: Decimal | int | None) -> str | None:
    return None if value is None else (str(value) if isinstance(value, int) else f"{value:f}")


Direction = Literal["higher", "lower"]


def direction(metric: str) -> Direction:
    return "higher" if METRICS[metric] else "lower"
