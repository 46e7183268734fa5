"""PeriodTotals: a period's figures from summed per-deal contributions equal the figures over its
deals, and a contribution added then taken away leaves the totals as they were."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import reduce
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_deals import deal_snapshot

from pipeline.domain.figures import PipelineFigures, compute_figures, figures_from_totals
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome
from pipeline.domain.totals import ZERO, PeriodTotals, contribution, totals_of
from servicekit.money import to_cents

D = Decimal
Q4 = Quarter(2026, 4)
POLICY = PipelinePolicy()
TUNED = PipelinePolicy(stage_probabilities={"registered": D("0.3"), "negotiation": D("0.9")}, total_index=D("3"))


def deal(
    deal_id: str = "d",
    amount: str = "1000.00",
    status: DealStatus = DealStatus.APPROVED,
    stage: DealStage = DealStage.REGISTERED,
    expected: date | None = date(2026, 11, 15),
    closed_on: date | None = None,
    outcome: Outcome | None = None,
    final: str | None = None,
    created: datetime = datetime(2026, 10, 1, 9, tzinfo=UTC),
    partner: str = "p1",
) -> DealSnapshot:
    return deal_snapshot(
        deal_id=deal_id, partner_id=partner, amount=D(amount), status=status, stage=stage,
        expected_close_date=expected, closed_on=closed_on, outcome=outcome,
        final_amount=None if final is None else D(final), created_at=created, last_event_time=created,
    )  # fmt: skip


def won(
    deal_id: str, amount: str, closed_on: date | None, expected: date | None = None, final: str | None = None
) -> DealSnapshot:
    return deal(deal_id, amount, DealStatus.CLOSED, DealStage.CLOSED_WON, expected, closed_on, Outcome.WON, final)


def lost(deal_id: str, amount: str, closed_on: date, **kw: Any) -> DealSnapshot:
    return deal(deal_id, amount, DealStatus.CLOSED, DealStage.CLOSED_LOST, None, closed_on, Outcome.LOST, **kw)


def reference_figures(deals: list[DealSnapshot], plan: Decimal | None, policy: PipelinePolicy) -> PipelineFigures:
    """The contract's formulas written out per deal (the pre-totals implementation), to check
    that summing per stage changes nothing."""
    selected = [d for d in deals if d.period_date is not None and Q4.contains(d.period_date)]
    open_ = [d for d in selected if d.is_open]
    won = [d for d in selected if d.is_won]
    lost = [d for d in selected if d.is_lost]

    def final(d: DealSnapshot) -> Decimal:
        return d.amount if d.final_amount is None else d.final_amount

    def ratio(n: Decimal | None, m: Decimal | None) -> Decimal | None:
        if n is None or m is None or m == 0:
            return None
        return (n / m).quantize(D("0.0001"), rounding=ROUND_HALF_UP)

    plan_c = None if plan is None else to_cents(plan)
    closed_won = to_cents(sum((final(d) for d in won), D(0)))
    risk = to_cents(sum((d.amount * policy.probability_of(d.stage) for d in open_), D(0)))
    risk_target = None if plan_c is None else to_cents(policy.risk_adjusted_index * plan_c)
    win_rate = ratio(D(len(won)), D(len(won) + len(lost)))
    if won:
        avg: Decimal | None = to_cents(sum((final(d) for d in won), D(0)) / len(won))
    elif open_:
        avg = to_cents(sum((d.amount for d in open_), D(0)) / len(open_))
    else:
        avg = None
    days = [
        max(0, (d.closed_on - d.created_at.astimezone(UTC).date()).days) for d in won + lost if d.closed_on is not None
    ]
    cycle = (D(sum(days)) / len(days)).quantize(D("0.01"), rounding=ROUND_HALF_UP) if days else None
    velocity = None if avg is None or win_rate is None or not cycle else D(len(open_)) * avg * win_rate / cycle
    return PipelineFigures(
        plan=plan_c,
        closed_won=closed_won,
        performance_to_plan=ratio(closed_won, plan_c),
        pipeline_total=to_cents(sum((d.amount for d in open_), D(0))),
        pipeline_target=None if plan_c is None else to_cents(policy.total_index * plan_c),
        risk_adjusted_pipeline=risk,
        risk_adjusted_target=risk_target,
        coverage=ratio(risk, risk_target),
        open_deals=len(open_),
        won_deals=len(won),
        lost_deals=len(lost),
        win_rate=win_rate,
        avg_deal_size=avg,
        avg_cycle_days=cycle,
        sales_velocity=None if velocity is None else to_cents(velocity),
    )


def summed(deals: list[DealSnapshot]) -> PeriodTotals:
    return reduce(lambda acc, d: acc + contribution(d, Q4), deals, ZERO)


# Deals of every kind: open in several stages, won (with and without a final amount), lost,
# a close before registration, closes without a date, and deals outside the quarter.
MIXED = [
    deal("reg", "1000.00"),
    deal("pending", "2500.50", status=DealStatus.PENDING_APPROVAL),
    deal("qual", "333.33", stage=DealStage.QUALIFIED),
    deal("prop", "4000.00", stage=DealStage.PROPOSAL),
    deal("nego", "10000.00", stage=DealStage.NEGOTIATION),
    won("won", "6000.00", date(2026, 11, 1), final="5000.00"),
    won("won-no-final", "700.00", date(2026, 12, 31)),
    lost("lost", "800.00", date(2026, 10, 20)),
    # closed before it was registered: 0 days, not negative
    lost("lost-early", "100.00", date(2026, 10, 2), created=datetime(2026, 10, 5, tzinfo=UTC)),
    # closed without a close date: placed by its expected date, counted, but not in the cycle
    won("won-undated", "900.00", None, expected=date(2026, 12, 1)),
    deal("closed-no-outcome", "900.00", DealStatus.CLOSED, DealStage.PROPOSAL, None, date(2026, 11, 3)),
    deal("rejected", "7000.00", DealStatus.REJECTED),
    deal("expired", "7000.00", DealStatus.EXPIRED, DealStage.PROPOSAL),
    deal("next-quarter", "9000.00", expected=date(2027, 1, 1)),
    won("won-next-quarter", "9000.00", date(2027, 1, 2), expected=date(2026, 12, 1)),
    deal("no-date", "9000.00", expected=None),
]
OPEN_ONLY = [d for d in MIXED if d.is_open]
CLOSED_ONLY = [d for d in MIXED if not d.is_open]


@pytest.mark.parametrize("deals", [MIXED, OPEN_ONLY, CLOSED_ONLY, MIXED[:1], MIXED[-3:], []])
@pytest.mark.parametrize("plan", [None, D("0"), D("20000.00"), D("12345.675")])
@pytest.mark.parametrize("policy", [POLICY, TUNED])
def test_figures_of_summed_contributions_equal_the_figures_over_the_deals(
    deals: list[DealSnapshot], plan: Decimal | None, policy: PipelinePolicy
) -> None:
    expected = reference_figures(deals, plan, policy)
    assert figures_from_totals(summed(deals), plan, policy) == expected
    assert compute_figures(deals, plan, policy, Q4) == expected
    assert totals_of(deals, Q4) == summed(deals)


def test_the_mixed_quarter_worked_out() -> None:
    totals = totals_of(MIXED, Q4)
    assert totals.open_count(DealStage.REGISTERED) == 2
    assert totals.open_amount(DealStage.REGISTERED) == D("3500.50")
    assert (totals.open_total_count, totals.open_total_amount) == (5, D("17833.83"))
    assert (totals.won_count, totals.won_amount, totals.lost_count) == (3, D("6600.00"), 2)
    # won 10/1 -> 11/1: 31, won 10/1 -> 12/31: 91, lost 10/1 -> 10/20: 19, lost-early: 0
    assert (totals.cycle_days, totals.cycle_count) == (141, 4)


@pytest.mark.parametrize(
    "outside",
    [
        deal("next", expected=date(2027, 1, 1)),
        deal("previous", expected=date(2026, 9, 30)),
        deal("no-date", expected=None),
        won("closed-later", "1.00", date(2027, 1, 3), expected=date(2026, 11, 1)),
    ],
)
def test_a_deal_that_does_not_count_in_the_period_contributes_nothing(outside: DealSnapshot) -> None:
    assert contribution(outside, Q4) == ZERO
    assert contribution(outside, Q4).is_zero


@pytest.mark.parametrize(
    "placed",
    [
        deal("rejected", status=DealStatus.REJECTED),
        deal("expired", status=DealStatus.EXPIRED),
        deal("closed-no-outcome", "900.00", DealStatus.CLOSED, DealStage.PROPOSAL, None, date(2026, 11, 3)),
    ],
)
def test_a_deal_no_figure_sees_is_still_counted_as_placed_in_its_period(placed: DealSnapshot) -> None:
    # A rollup lists a partner with any deal in the period; its figures stay those of no deal.
    assert contribution(placed, Q4) == PeriodTotals(deal_count=1)
    assert figures_from_totals(contribution(placed, Q4), None, POLICY) == compute_figures([], None, POLICY)


def test_a_change_of_stage_probabilities_needs_no_recomputation_of_totals() -> None:
    totals = totals_of(MIXED, Q4)
    assert figures_from_totals(totals, None, TUNED) == compute_figures(MIXED, None, TUNED, Q4)
    assert figures_from_totals(totals, None, TUNED).risk_adjusted_pipeline != (
        figures_from_totals(totals, None, POLICY).risk_adjusted_pipeline
    )


@pytest.mark.parametrize("d", MIXED)
def test_adding_then_subtracting_a_contribution_gives_back_the_totals(d: DealSnapshot) -> None:
    base = totals_of(MIXED[:5], Q4)
    assert (base + contribution(d, Q4)) - contribution(d, Q4) == base


def test_a_stage_advance_moves_amount_from_one_stage_to_the_other() -> None:
    before = deal("a", "1000.00")
    after = replace(before, stage=DealStage.PROPOSAL)
    totals = totals_of([before, deal("b", "50.00")], Q4) + contribution(after, Q4) - contribution(before, Q4)
    assert totals == totals_of([after, deal("b", "50.00")], Q4)
    assert (totals.open_amount(DealStage.REGISTERED), totals.open_amount(DealStage.PROPOSAL)) == (D("50.00"), D("1000"))


# Random deal sets: statuses, stages, amounts, dates in and around the quarter.
_days = st.dates(min_value=date(2026, 8, 1), max_value=date(2027, 2, 28))
_deals = st.builds(
    lambda i, amount, status, stage, expected, closed_on, outcome, final, created: deal(
        f"d{i}",
        f"{amount:.2f}",
        status,
        stage,
        expected,
        closed_on,
        outcome,
        None if final is None else f"{final:.2f}",
        datetime(2026, 9, 1, 23, 30, tzinfo=UTC) + timedelta(days=created),
    ),
    st.integers(0, 10**6),
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.sampled_from(list(DealStatus)),
    st.sampled_from(list(DealStage)),
    st.none() | _days,
    st.none() | _days,
    st.none() | st.sampled_from(list(Outcome)),
    st.none() | st.decimals(min_value=0, max_value=10**7, places=2),
    st.integers(0, 150),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_deals, max_size=25), st.none() | st.decimals(min_value=0, max_value=10**8, places=2))
def test_random_deal_sets_agree_with_the_per_deal_formulas(deals: list[DealSnapshot], plan: Decimal | None) -> None:
    totals = summed(deals)
    assert figures_from_totals(totals, plan, POLICY) == reference_figures(deals, plan, POLICY)
    assert figures_from_totals(totals, plan, TUNED) == compute_figures(deals, plan, TUNED, Q4)
    for d in deals:
        assert totals - contribution(d, Q4) + contribution(d, Q4) == totals


def test_totals_need_one_value_per_stage() -> None:
    with pytest.raises(ValueError, match="one value per stage"):
        PeriodTotals(open_counts=(1,))
