"""rollup_from_totals: a rollup from per-partner period totals equals the rollup over the deals
those totals sum (figures.rollup), group for group, in the same order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_deals import deal_snapshot

from pipeline.domain.figures import GROUP_BY, GroupBy, PipelineFigures, rollup
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome, PartnerAttributes
from pipeline.domain.rollups import newest_attributes, rollup_from_totals
from pipeline.domain.totals import PeriodTotals, totals_of

D = Decimal
Q4 = Quarter(2026, 4)
POLICY = PipelinePolicy()
TUNED = PipelinePolicy(stage_probabilities={"proposal": D("0.6")}, total_index=D("3"), risk_adjusted_index=D("1.5"))
T0 = datetime(2026, 10, 1, tzinfo=UTC)


def deal(
    deal_id: str,
    partner: str,
    amount: str = "1000.00",
    status: DealStatus = DealStatus.APPROVED,
    stage: DealStage = DealStage.REGISTERED,
    expected: date | None = date(2026, 11, 15),
    closed_on: date | None = None,
    outcome: Outcome | None = None,
    attributes: PartnerAttributes = PartnerAttributes(1, "north", "west", "cm-1"),
    minute: int = 0,
) -> DealSnapshot:
    return deal_snapshot(
        deal_id=deal_id, partner_id=partner, **asdict(attributes), amount=D(amount), status=status, stage=stage,
        expected_close_date=expected, closed_on=closed_on, outcome=outcome, created_at=T0,
        last_event_time=T0 + timedelta(minutes=minute),
    )  # fmt: skip


def by_partner(deals: list[DealSnapshot]) -> dict[str, list[DealSnapshot]]:
    grouped: dict[str, list[DealSnapshot]] = {}
    for d in deals:
        grouped.setdefault(d.partner_id, []).append(d)
    return grouped


def from_totals(
    deals: list[DealSnapshot],
    plans: Mapping[str, Decimal | None],
    by: GroupBy,
    policy: PipelinePolicy = POLICY,
) -> list[tuple[str | None, PipelineFigures]]:
    """What the API does: each partner's totals of Q4 and latest attributes, as the consumer keeps them."""
    totals = {p: totals_of(ds, Q4) for p, ds in by_partner(deals).items()}
    attributes = {partner: a for (_, partner), (a, _) in newest_attributes(deals).items()}
    return rollup_from_totals(totals, plans, policy, by=by, partner_attributes=attributes)


WEST = PartnerAttributes(1, "north", "west", "cm-1")
EAST = PartnerAttributes(2, "south", "east", None)
DEALS = [
    deal("a", "p1"),
    deal("b", "p1", "500.00", stage=DealStage.PROPOSAL),
    deal("c", "p2", "2000.00", attributes=EAST),
    deal("w", "p2", "700.00", DealStatus.CLOSED, DealStage.CLOSED_WON, None, date(2026, 11, 1), Outcome.WON, EAST),
    deal("next", "p3", expected=date(2027, 1, 5)),  # another quarter: p3 has no deal in Q4
    deal("r", "p4", status=DealStatus.REJECTED, attributes=EAST),  # only a rejected deal: listed, zero figures
]
PLANS: dict[str, Decimal | None] = {"p1": D("4000"), "p5": D("100")}


@pytest.mark.parametrize("by", GROUP_BY)
@pytest.mark.parametrize("policy", [POLICY, TUNED])
def test_the_mixed_rollup_equals_the_rollup_over_the_deals(by: GroupBy, policy: PipelinePolicy) -> None:
    expected = rollup(by_partner(DEALS), PLANS, policy, by=by, period=Q4)
    assert from_totals(DEALS, PLANS, by, policy) == expected


def test_partners_are_listed_with_a_plan_or_any_deal_in_the_period() -> None:
    rows = from_totals(DEALS, PLANS, "partner")
    # p3's only deal is in another quarter; p4's rejected deal lists it; p5 has a plan alone.
    assert [key for key, _ in rows] == ["p1", "p2", "p4", "p5"]
    p4 = dict(rows)["p4"]
    assert (p4.open_deals, p4.won_deals, p4.pipeline_total, p4.plan) == (0, 0, D("0.00"), None)


def test_a_group_sums_its_partners_totals_and_plans() -> None:
    rows = dict(from_totals(DEALS, {"p1": D("4000"), "p2": D("1000")}, "region"))
    assert (rows["west"].pipeline_total, rows["west"].plan) == (D("1500.00"), D("4000.00"))
    assert (rows["east"].pipeline_total, rows["east"].closed_won, rows["east"].plan) == (
        D("2000.00"),
        D("700.00"),
        D("1000.00"),
    )


def test_a_partner_without_known_attributes_groups_under_none_listed_last() -> None:
    totals = {"p1": totals_of([deal("a", "p1")], Q4), "p9": totals_of([deal("z", "p9")], Q4)}
    rows = rollup_from_totals(totals, {}, POLICY, by="territory", partner_attributes={"p1": WEST})
    assert [(key, f.open_deals) for key, f in rows] == [("north", 1), (None, 1)]


def test_a_row_left_empty_by_deals_moving_away_lists_nothing() -> None:
    assert rollup_from_totals({"p1": PeriodTotals()}, {}, POLICY) == []


def test_the_newest_deal_event_gives_a_partners_attributes() -> None:
    deals = [deal("old", "p1", minute=5), deal("new", "p1", attributes=EAST, minute=9), deal("x", "p2", minute=1)]
    assert newest_attributes(deals) == {
        ("acme", "p1"): (EAST, T0 + timedelta(minutes=9)),
        ("acme", "p2"): (WEST, T0 + timedelta(minutes=1)),
    }


def test_an_unknown_grouping_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot group by 'country'"):
        rollup_from_totals({}, {}, POLICY, by="country")  # type: ignore[arg-type]


# Random deal sets over a few partners with a few attribute values (so groups merge), every
# status and stage, dates in and around the quarter, and random plans.
_days = st.dates(min_value=date(2026, 8, 1), max_value=date(2027, 2, 28))
_attributes = st.builds(
    PartnerAttributes,
    st.none() | st.integers(1, 3),
    st.none() | st.sampled_from(["north", "south"]),
    st.none() | st.sampled_from(["east", "west"]),
    st.none() | st.sampled_from(["cm-1", "cm-2"]),
)
_PARTNERS = ["p1", "p2", "p3", "p4", "p5"]
_deals = st.builds(
    lambda i, partner, amount, status, stage, expected, closed_on, outcome, attributes, minute: deal(
        f"d{i}", partner, f"{amount:.2f}", status, stage, expected, closed_on, outcome, attributes, minute
    ),
    st.integers(0, 10**6),
    st.sampled_from(_PARTNERS),
    st.decimals(min_value=0, max_value=10**7, places=2),
    st.sampled_from(list(DealStatus)),
    st.sampled_from(list(DealStage)),
    st.none() | _days,
    st.none() | _days,
    st.none() | st.sampled_from(list(Outcome)),
    _attributes,
    st.integers(0, 20),  # few values: ties of event time happen
)
_plans = st.dictionaries(
    st.sampled_from([*_PARTNERS, "p6"]), st.none() | st.decimals(min_value=0, max_value=10**8, places=2)
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_deals, max_size=30), _plans, st.sampled_from([POLICY, TUNED]))
def test_random_deal_sets_roll_up_alike_from_totals_and_from_deals(
    deals: list[DealSnapshot], plans: dict[str, Decimal | None], policy: PipelinePolicy
) -> None:
    for by in GROUP_BY:
        assert from_totals(deals, plans, by, policy) == rollup(by_partner(deals), plans, policy, by=by, period=Q4)
