"""Pipeline-to-plan figures, exactly as the contract defines them, and rollups of them.

Which deals count: those whose period date (the close date once closed, else the expected close
date) falls in the period. Open = pending_approval or approved; won/lost = closed with that
outcome; rejected and expired deals count nowhere.

Rounding (half-up, each figure rounded once):
- money (plan, closed_won, pipeline_total, pipeline_target, risk_adjusted_pipeline,
  risk_adjusted_target, avg_deal_size, sales_velocity): to cents;
- ratios (performance_to_plan, coverage, win_rate): to 4 places;
- avg_cycle_days: to 2 places.
A figure derived from other figures is computed from their rounded values, the ones the client
sees, so anyone re-doing a formula from the response gets the same number.

avg_deal_size is the average final amount of the period's won deals; with no won deal it falls
back to the average amount of the period's open deals; with neither it is None.
avg_cycle_days is the average number of days from registration (UTC date of created_at) to
closed_on over the period's closed deals, won and lost.

A missing plan, or any division by zero, gives None for the figures that depend on it; never an
error.

Currencies are never added together. compute_figures and figures_from_totals take deals of one
currency; figures_by_currency takes per-currency totals and counts only the *reporting
currency* (reporting_currency): the plan's currency; with no plan, the currency in which most
deals are placed in the period (ties: the alphabetically first). Every other currency appears
under other_currencies with its pipeline_total, closed_won and open_deals only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, PartnerAttributes
from pipeline.domain.totals import STAGES, ZERO, PeriodTotals, counts_in, totals_of
from servicekit.money import to_cents

RATIO_PLACES = Decimal("0.0001")
DAYS_PLACES = Decimal("0.01")

GroupBy = Literal["partner", "tier", "territory", "region", "channel_manager"]
GROUP_BY: tuple[GroupBy, ...] = ("partner", "tier", "territory", "region", "channel_manager")


@dataclass(frozen=True)
class PipelineFigures:
    plan: Decimal | None
    closed_won: Decimal
    performance_to_plan: Decimal | None
    pipeline_total: Decimal
    pipeline_target: Decimal | None
    risk_adjusted_pipeline: Decimal
    risk_adjusted_target: Decimal | None
    coverage: Decimal | None
    open_deals: int
    won_deals: int
    lost_deals: int
    win_rate: Decimal | None
    avg_deal_size: Decimal | None
    avg_cycle_days: Decimal | None
    sales_velocity: Decimal | None  # money per day
    # The currency every money figure above is in (None: no plan and no deal), and what the
    # deals in each other currency add up to (never added into the figures above).
    currency: str | None = None
    other_currencies: Mapping[str, CurrencySummary] = field(default_factory=dict)


@dataclass(frozen=True)
class CurrencySummary:
    """The contract's other_currencies entry: a currency other than the reporting one."""

    pipeline_total: Decimal
    closed_won: Decimal
    open_deals: int


# A plan's target and the currency it is in.
PlanAmount = tuple[Decimal, str]


def currency_summary(totals: PeriodTotals) -> CurrencySummary:
    return CurrencySummary(
        pipeline_total=to_cents(totals.open_total_amount),
        closed_won=to_cents(totals.won_amount),
        open_deals=totals.open_total_count,
    )


def reporting_currency(plan_currencies: Iterable[str], totals_by_currency: Mapping[str, PeriodTotals]) -> str | None:
    """The currency figures are reported in: the one most of the plans are in; with no plan, the
    one in which most deals are placed in the period; ties go to the alphabetically first (a
    stable answer however the inputs are ordered). None with neither plans nor deals."""
    counted = Counter(plan_currencies)
    if not counted:
        counted = Counter({c: t.deal_count for c, t in totals_by_currency.items() if t.deal_count > 0})
    if not counted:
        return None
    return min(counted, key=lambda currency: (-counted[currency], currency))


def figures_by_currency(
    totals_by_currency: Mapping[str, PeriodTotals], plans: Sequence[PlanAmount], policy: PipelinePolicy
) -> PipelineFigures:
    """The figures of deals in several currencies against plans (one for a partner; a group's for
    a rollup): only the reporting currency's deals and plans count; every other currency with a
    deal in the period is summarised under other_currencies. Plans in another currency than the
    reporting one are left out of `plan` (see other_plans)."""
    currency = reporting_currency((c for _, c in plans), totals_by_currency)
    in_currency = [amount for amount, c in plans if c == currency]
    plan = sum(in_currency, Decimal(0)) if in_currency else None
    main = ZERO if currency is None else totals_by_currency.get(currency, ZERO)
    others = {
        c: currency_summary(t) for c, t in sorted(totals_by_currency.items()) if c != currency and t.deal_count > 0
    }
    return replace(figures_from_totals(main, plan, policy), currency=currency, other_currencies=others)


def other_plans(plans: Sequence[PlanAmount], currency: str | None) -> dict[str, Decimal]:
    """A group's plans in other currencies than its reporting one, summed per currency."""
    out: dict[str, Decimal] = {}
    for amount, c in plans:
        if c != currency:
            out[c] = out.get(c, Decimal(0)) + amount
    return {c: to_cents(v) for c, v in sorted(out.items())}


def deal_in_period(deal: DealSnapshot, period: Quarter) -> bool:
    """Whether the deal counts in `period` (a deal without any close date counts nowhere)."""
    return counts_in(deal, period)


def compute_figures(
    deals: Iterable[DealSnapshot],
    plan: Decimal | None,
    policy: PipelinePolicy,
    period: Quarter | None = None,
) -> PipelineFigures:
    """The contract's figures over `deals` (only those in `period`, when one is given)."""
    return figures_from_totals(totals_of(deals, period), plan, policy)


def figures_from_totals(totals: PeriodTotals, plan: Decimal | None, policy: PipelinePolicy) -> PipelineFigures:
    """The contract's figures of deals whose sums and counts are `totals` (the one definition of
    the formulas: compute_figures and the incrementally kept totals both come here)."""
    open_count = totals.open_total_count
    open_amount = totals.open_total_amount
    closed_count = totals.won_count + totals.lost_count

    plan_c = None if plan is None else to_cents(plan)
    closed_won = to_cents(totals.won_amount)
    pipeline_total = to_cents(open_amount)
    risk_adjusted_pipeline = to_cents(
        sum(
            (amount * policy.probability_of(stage) for stage, amount in zip(STAGES, totals.open_amounts, strict=True)),
            Decimal(0),
        )
    )
    pipeline_target = None if plan_c is None else to_cents(policy.total_index * plan_c)
    risk_adjusted_target = None if plan_c is None else to_cents(policy.risk_adjusted_index * plan_c)

    win_rate = _ratio(Decimal(totals.won_count), Decimal(closed_count))
    # The average final amount of won deals; with none, the average amount of open deals.
    if totals.won_count:
        avg_deal_size: Decimal | None = to_cents(totals.won_amount / totals.won_count)
    elif open_count:
        avg_deal_size = to_cents(open_amount / open_count)
    else:
        avg_deal_size = None
    avg_cycle_days = (
        None
        if not totals.cycle_count
        else (Decimal(totals.cycle_days) / totals.cycle_count).quantize(DAYS_PLACES, rounding=ROUND_HALF_UP)
    )

    velocity_numerator = (
        None if avg_deal_size is None or win_rate is None else Decimal(open_count) * avg_deal_size * win_rate
    )
    velocity = _divide(velocity_numerator, avg_cycle_days)

    return PipelineFigures(
        plan=plan_c,
        closed_won=closed_won,
        performance_to_plan=_ratio(closed_won, plan_c),
        pipeline_total=pipeline_total,
        pipeline_target=pipeline_target,
        risk_adjusted_pipeline=risk_adjusted_pipeline,
        risk_adjusted_target=risk_adjusted_target,
        coverage=_ratio(risk_adjusted_pipeline, risk_adjusted_target),
        open_deals=open_count,
        won_deals=totals.won_count,
        lost_deals=totals.lost_count,
        win_rate=win_rate,
        avg_deal_size=avg_deal_size,
        avg_cycle_days=avg_cycle_days,
        sales_velocity=None if velocity is None else to_cents(velocity),
    )


def group_key(partner_id: str, attributes: PartnerAttributes, by: GroupBy) -> str | None:
    """The rollup key of a partner; None when the partner lacks that attribute."""
    if by == "partner":
        return partner_id
    if by == "tier":
        return None if attributes.tier is None else str(attributes.tier)
    if by == "territory":
        return attributes.territory
    if by == "region":
        return attributes.region
    if by == "channel_manager":
        return attributes.channel_manager
    raise ValueError(f"cannot group by {by!r}; expected one of {', '.join(GROUP_BY)}")


def rollup(
    deals_by_partner: Mapping[str, Iterable[DealSnapshot]],
    plans: Mapping[str, Decimal | None],
    policy: PipelinePolicy,
    by: GroupBy = "partner",
    period: Quarter | None = None,
    partner_attributes: Mapping[str, PartnerAttributes] | None = None,
) -> list[tuple[str | None, PipelineFigures]]:
    """Figures per group of partners, sorted by key (None, an unknown attribute, last).

    A partner's attributes come from `partner_attributes` when given, else from its most recent
    deal event. A group's plan is the sum of its partners' plans (None when none has a plan). A
    group appears when it has a plan or a deal in the period.
    """
    known_attributes = partner_attributes or {}
    deals = {p: list(d) for p, d in deals_by_partner.items()}
    in_period = {p: [d for d in ds if period is None or deal_in_period(d, period)] for p, ds in deals.items()}
    groups = group_partners(
        {*deals, *plans},
        plans,
        by,
        key_attributes=lambda p: known_attributes.get(p) or _latest_attributes(deals.get(p, [])),
        counts=lambda p: bool(in_period.get(p)),
    )
    return [
        (key, compute_figures([d for p in partners for d in in_period.get(p, [])], plan, policy))
        for key, partners, plan in groups
    ]


def group_partners(
    partner_ids: Iterable[str],
    plans: Mapping[str, Decimal | None],
    by: GroupBy,
    key_attributes: Callable[[str], PartnerAttributes],
    counts: Callable[[str], bool],
) -> list[tuple[str | None, list[str], Decimal | None]]:
    """The groups of a rollup: (key, its partners, the sum of their plans or None), sorted by key
    with None (an unknown attribute) last. A partner counts when it has a plan or counts(it)."""
    if by not in GROUP_BY:
        raise ValueError(f"cannot group by {by!r}; expected one of {', '.join(GROUP_BY)}")
    members: dict[str | None, list[str]] = {}
    grouped_plans: dict[str | None, list[Decimal]] = {}
    for partner_id in sorted(partner_ids):
        plan = plans.get(partner_id)
        if plan is None and not counts(partner_id):
            continue
        key = group_key(partner_id, key_attributes(partner_id), by)
        members.setdefault(key, []).append(partner_id)
        if plan is not None:
            grouped_plans.setdefault(key, []).append(plan)
    keys = sorted(members, key=lambda k: (k is None, k or ""))
    return [(key, members[key], sum(grouped_plans[key], Decimal(0)) if key in grouped_plans else None) for key in keys]


def _divide(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    if numerator is None or denominator is None or denominator == 0:
        return None
    return numerator / denominator


def _ratio(numerator: Decimal | None, denominator: Decimal | None) -> Decimal | None:
    quotient = _divide(numerator, denominator)
    return None if quotient is None else quotient.quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


def _latest_attributes(deals: list[DealSnapshot]) -> PartnerAttributes:
    if not deals:
        return PartnerAttributes()
    return max(deals, key=lambda d: d.last_event_time).partner_attributes
