from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pipeline_deals import deal_snapshot

from pipeline.domain.figures import PipelineFigures, compute_figures, deal_in_period, rollup
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome, PartnerAttributes

D = Decimal
Q4 = Quarter(2026, 4)
POLICY = PipelinePolicy()


def deal(
    deal_id: str,
    amount: str = "1000.00",
    status: str = "approved",
    stage: str = "registered",
    expected: str | None = "2026-11-15",
    closed_on: str | None = None,
    final: str | None = None,
    created: str = "2026-10-01",
    partner: str = "p1",
    tier: int | None = 1,
    territory: str | None = "north",
    region: str | None = "west",
    channel_manager: str | None = "cm-1",
    event_minute: int = 0,
) -> DealSnapshot:
    outcome = {"closed_won": Outcome.WON, "closed_lost": Outcome.LOST}.get(stage)
    return deal_snapshot(
        deal_id=deal_id, partner_id=partner, tier=tier, territory=territory, region=region,
        channel_manager=channel_manager, amount=D(amount), status=DealStatus(status), stage=DealStage(stage),
        expected_close_date=None if expected is None else date.fromisoformat(expected),
        closed_on=None if closed_on is None else date.fromisoformat(closed_on),
        outcome=outcome, final_amount=None if final is None else D(final),
        created_at=datetime.fromisoformat(created).replace(hour=9, tzinfo=UTC),
        last_event_time=datetime(2026, 10, 1, 0, event_minute, tzinfo=UTC),
    )  # fmt: skip


def won(deal_id: str, final: str, closed_on: str, created: str = "2026-10-01", **kw: object) -> DealSnapshot:
    return deal(deal_id, final, "closed", "closed_won", closed_on=closed_on, final=final, created=created, **kw)  # type: ignore[arg-type]


def lost(deal_id: str, amount: str, closed_on: str, created: str = "2026-10-01", **kw: object) -> DealSnapshot:
    return deal(deal_id, amount, "closed", "closed_lost", closed_on=closed_on, created=created, **kw)  # type: ignore[arg-type]


# A quarter's worth of deals, with the figures worked out by hand below.
QUARTER_DEALS = [
    deal("open-negotiation", "10000.00", "approved", "negotiation", expected="2026-11-15"),  # risk 7500
    deal("open-pending", "5000.00", "pending_approval", "registered", expected="2026-12-31"),  # risk 500, last day
    won("won-last-day", "12000.00", closed_on="2026-12-31", created="2026-10-01"),  # 91 days
    lost("lost", "8000.00", closed_on="2026-11-01", created="2026-10-02"),  # 30 days
    won("won-early", "4000.00", closed_on="2026-10-11", created="2026-10-01"),  # 10 days
    deal("rejected", "7000.00", "rejected", expected="2026-11-01"),  # counts nowhere
    deal("expired", "7000.00", "expired", "proposal", expected="2026-11-01"),  # counts nowhere
    deal("open-next-quarter", "9000.00", expected="2027-01-01"),
    deal("open-last-quarter", "9000.00", expected="2026-09-30"),
    # expected in Q4 but closed in Q1: once closed, the close date places it
    deal("won-next-quarter", "9000.00", "closed", "closed_won", expected="2026-12-15", closed_on="2027-01-01"),
    deal("open-no-date", "9000.00", expected=None),
]


def test_figures_of_a_quarter_worked_by_hand() -> None:
    figures = compute_figures(QUARTER_DEALS, D("50000"), POLICY, period=Q4)
    assert figures == PipelineFigures(
        plan=D("50000.00"),
        closed_won=D("16000.00"),
        performance_to_plan=D("0.3200"),
        pipeline_total=D("15000.00"),
        pipeline_target=D("100000.00"),
        risk_adjusted_pipeline=D("8000.00"),
        risk_adjusted_target=D("50000.00"),
        coverage=D("0.1600"),
        open_deals=2,
        won_deals=2,
        lost_deals=1,
        win_rate=D("0.6667"),
        avg_deal_size=D("8000.00"),
        avg_cycle_days=D("43.67"),  # (91 + 30 + 10) / 3
        # 2 x 8000.00 x 0.6667 / 43.67 = 244.268...
        sales_velocity=D("244.27"),
    )


@pytest.mark.parametrize(
    ("snapshot", "in_q4"),
    [
        (deal("a", expected="2026-12-31"), True),
        (deal("b", expected="2026-10-01"), True),
        (deal("c", expected="2027-01-01"), False),
        (deal("d", expected="2026-09-30"), False),
        (won("e", "1.00", closed_on="2026-12-31", expected="2027-02-01"), True),
        (won("f", "1.00", closed_on="2027-01-01", expected="2026-12-31"), False),
        (lost("g", "1.00", closed_on="2026-10-01", expected="2026-09-01"), True),
        (deal("h", status="expired", expected="2026-12-31"), True),  # in the period, yet counts nowhere
        (deal("i", expected=None), False),
    ],
)
def test_which_deals_fall_in_the_period(snapshot: DealSnapshot, in_q4: bool) -> None:
    assert deal_in_period(snapshot, Q4) is in_q4


def test_without_a_period_every_given_deal_counts() -> None:
    figures = compute_figures([deal("a", expected="2030-01-01"), deal("b", expected=None)], None, POLICY)
    assert figures.open_deals == 2
    assert figures.pipeline_total == D("2000.00")


@pytest.mark.parametrize(
    ("stage", "risk_adjusted"),
    [
        ("registered", "1000.00"),
        ("qualified", "2500.00"),
        ("proposal", "5000.00"),
        ("negotiation", "7500.00"),
    ],
)
def test_risk_adjusted_pipeline_weighs_each_stage(stage: str, risk_adjusted: str) -> None:
    figures = compute_figures([deal("a", "10000.00", stage=stage)], None, POLICY, period=Q4)
    assert figures.risk_adjusted_pipeline == D(risk_adjusted)
    assert figures.pipeline_total == D("10000.00")


def test_the_vendors_own_indexes_and_probabilities_apply() -> None:
    policy = PipelinePolicy(
        total_index=D("3"), risk_adjusted_index=D("1.5"), stage_probabilities={"proposal": D("0.6")}
    )
    figures = compute_figures([deal("a", "10000.00", stage="proposal")], D("20000"), policy, period=Q4)
    assert (figures.pipeline_target, figures.risk_adjusted_target) == (D("60000.00"), D("30000.00"))
    assert figures.risk_adjusted_pipeline == D("6000.00")
    assert figures.coverage == D("0.2000")


NONE_FIGURES = {
    "performance_to_plan",
    "pipeline_target",
    "risk_adjusted_target",
    "coverage",
    "win_rate",
    "avg_deal_size",
    "avg_cycle_days",
    "sales_velocity",
}


@pytest.mark.parametrize(
    ("deals", "plan", "policy", "expected_none"),
    [
        # no deals, no plan: everything divided is None, the sums are zero
        ([], None, POLICY, NONE_FIGURES),
        # a zero plan: ratios to plan are None, targets are zero
        (
            [],
            D(0),
            POLICY,
            {"performance_to_plan", "coverage", "win_rate", "avg_deal_size", "avg_cycle_days", "sales_velocity"},
        ),
        # a zero risk-adjusted index: coverage has nothing to divide by
        (
            [deal("a")],
            D(1000),
            PipelinePolicy(risk_adjusted_index=D(0)),
            {"coverage", "win_rate", "avg_cycle_days", "sales_velocity"},
        ),
        # only open deals: no win rate, no cycle, so no velocity; avg size falls back to open deals
        ([deal("a")], D(1000), POLICY, {"win_rate", "avg_cycle_days", "sales_velocity"}),
        # closed the day they were registered: a zero-day cycle gives no velocity
        (
            [won("w", "100.00", closed_on="2026-10-01", created="2026-10-01"), deal("a")],
            D(1000),
            POLICY,
            {"sales_velocity"},
        ),
        # only lost deals and nothing open: no deal size to speak of
        ([lost("l", "100.00", closed_on="2026-10-05")], D(1000), POLICY, {"avg_deal_size", "sales_velocity"}),
    ],
)
def test_divisions_by_zero_and_a_missing_plan_give_none(
    deals: list[DealSnapshot], plan: Decimal | None, policy: PipelinePolicy, expected_none: set[str]
) -> None:
    figures = asdict(compute_figures(deals, plan, policy, period=Q4))
    del figures["currency"]  # which currency (v1.1) is not a figure: one currency's deals here
    assert {name for name, value in figures.items() if value is None} == expected_none | (
        {"plan"} if plan is None else set()
    )


def test_empty_figures_are_zero_sums_and_counts() -> None:
    figures = compute_figures([], None, POLICY, period=Q4)
    assert (figures.closed_won, figures.pipeline_total, figures.risk_adjusted_pipeline) == (D("0.00"),) * 3
    assert (figures.open_deals, figures.won_deals, figures.lost_deals) == (0, 0, 0)


def test_a_zero_plan_gives_zero_targets() -> None:
    figures = compute_figures([], D(0), POLICY, period=Q4)
    assert (figures.plan, figures.pipeline_target, figures.risk_adjusted_target) == (D("0.00"),) * 3


@pytest.mark.parametrize(
    ("deals", "win_rate", "avg_deal_size", "sales_velocity"),
    [
        # lost only, with open pipeline: a 0 win rate makes velocity 0, not None
        ([lost("l", "100.00", closed_on="2026-10-11"), deal("a", "300.00")], "0.0000", "300.00", "0.00"),
        # won only: win rate 1; avg size is the won final amounts
        ([won("w", "900.00", closed_on="2026-10-11"), deal("a", "300.00")], "1.0000", "900.00", "90.00"),
        # avg size is of won deals, not open ones
        (
            [
                won("w1", "100.00", closed_on="2026-10-11"),
                won("w2", "200.00", closed_on="2026-10-11"),
                deal("a", "10000.00"),
            ],
            "1.0000",
            "150.00",
            "15.00",
        ),
        # one of three closes won
        (
            [
                won("w", "100.00", closed_on="2026-10-11"),
                lost("l1", "1.00", closed_on="2026-10-11"),
                lost("l2", "1.00", closed_on="2026-10-11"),
                deal("a"),
                deal("b"),
            ],
            "0.3333",
            "100.00",
            "6.67",  # 2 x 100.00 x 0.3333 / 10.00
        ),
    ],
)
def test_win_rate_deal_size_and_velocity(
    deals: list[DealSnapshot], win_rate: str, avg_deal_size: str, sales_velocity: str
) -> None:
    figures = compute_figures(deals, None, POLICY, period=Q4)
    assert figures.win_rate == D(win_rate)
    assert figures.avg_deal_size == D(avg_deal_size)
    assert figures.sales_velocity == D(sales_velocity)


def test_won_deals_count_their_final_amount_not_the_registered_amount() -> None:
    closed = deal("w", "12000.00", "closed", "closed_won", closed_on="2026-11-01", final="11500.00")
    figures = compute_figures([closed], D("23000"), POLICY, period=Q4)
    assert figures.closed_won == D("11500.00")
    assert figures.performance_to_plan == D("0.5000")
    assert figures.pipeline_total == D("0.00")


@pytest.mark.parametrize(
    ("deals", "plan", "field", "expected"),
    [
        # ratios round half-up at 4 places: 2469 / 20000 = 0.12345
        ([won("w", "2469.00", closed_on="2026-11-01")], "20000", "performance_to_plan", "0.1235"),
        ([won("w", "1.00", closed_on="2026-11-01")], "3", "performance_to_plan", "0.3333"),
        ([won("w", "2.00", closed_on="2026-11-01")], "3", "performance_to_plan", "0.6667"),
        # money rounds half-up at cents: 0.05 x 0.10 = 0.005
        ([deal("a", "0.05")], None, "risk_adjusted_pipeline", "0.01"),
        ([deal("a", "0.05"), deal("b", "0.05")], None, "risk_adjusted_pipeline", "0.01"),  # summed, then rounded
        ([deal("a", "100.00")], "333.333", "plan", "333.33"),
        ([deal("a", "100.00")], "0.005", "pipeline_target", "0.02"),  # 2 x 0.01 (the plan in cents)
        # cycle days round half-up at 2 places: (1 + 2) / 2 = 1.5, (0 + 0 + 1) / 3 = 0.333...
        (
            [lost("a", "1", closed_on="2026-10-02"), lost("b", "1", closed_on="2026-10-03")],
            None,
            "avg_cycle_days",
            "1.50",
        ),
        (
            [
                lost("a", "1", closed_on="2026-10-01"),
                lost("b", "1", closed_on="2026-10-01"),
                lost("c", "1", closed_on="2026-10-02"),
            ],
            None,
            "avg_cycle_days",
            "0.33",
        ),
        # avg deal size rounds to cents: (100.00 + 100.01) / 2 = 100.005
        (
            [won("a", "100.00", closed_on="2026-10-02"), won("b", "100.01", closed_on="2026-10-02")],
            None,
            "avg_deal_size",
            "100.01",
        ),
    ],
)
def test_rounding_is_half_up(deals: list[DealSnapshot], plan: str | None, field: str, expected: str) -> None:
    figures = compute_figures(deals, None if plan is None else D(plan), POLICY, period=Q4)
    assert getattr(figures, field) == D(expected)


def test_coverage_is_computed_from_the_figures_the_client_sees() -> None:
    figures = compute_figures([deal("a", "0.05")], D("0.10"), POLICY, period=Q4)
    # unrounded it would be 0.005 / 0.10 = 0.05; the client sees 0.01 / 0.10
    assert (figures.risk_adjusted_pipeline, figures.risk_adjusted_target) == (D("0.01"), D("0.10"))
    assert figures.coverage == D("0.1000")


def test_a_close_dated_before_registration_counts_as_a_zero_day_cycle() -> None:
    figures = compute_figures(
        [lost("l", "1.00", closed_on="2026-10-01", created="2026-10-05")], None, POLICY, period=Q4
    )
    assert figures.avg_cycle_days == D("0.00")


def test_cycle_days_count_from_the_utc_registration_date() -> None:
    snapshot = lost("l", "1.00", closed_on="2026-10-11")
    late_evening_utc = datetime(2026, 10, 1, 23, 59, tzinfo=UTC)
    figures = compute_figures([_with_created(snapshot, late_evening_utc)], None, POLICY, period=Q4)
    assert figures.avg_cycle_days == D("10.00")


def _with_created(snapshot: DealSnapshot, created: datetime) -> DealSnapshot:
    return replace(snapshot, created_at=created)


# --- rollups ---

P1 = [deal("p1-a", "1000.00", partner="p1", tier=1, territory="north", region="west", channel_manager="cm-1")]
P2 = [
    deal("p2-a", "2000.00", partner="p2", tier=2, territory="south", region="west", channel_manager="cm-1"),
    won(
        "p2-w",
        "500.00",
        closed_on="2026-11-01",
        partner="p2",
        tier=2,
        territory="south",
        region="west",
        channel_manager="cm-1",
    ),
]
P3 = [deal("p3-a", "4000.00", partner="p3", tier=1, territory="north", region="east", channel_manager="cm-2")]
DEALS_BY_PARTNER = {"p1": P1, "p2": P2, "p3": P3}
PLANS = {"p1": D("1000"), "p2": D("2000"), "p3": D("4000")}


@pytest.mark.parametrize(
    ("by", "expected"),
    [
        # key: (plan, pipeline_total, closed_won, open_deals)
        (
            "partner",
            {
                "p1": ("1000.00", "1000.00", "0.00", 1),
                "p2": ("2000.00", "2000.00", "500.00", 1),
                "p3": ("4000.00", "4000.00", "0.00", 1),
            },
        ),
        ("tier", {"1": ("5000.00", "5000.00", "0.00", 2), "2": ("2000.00", "2000.00", "500.00", 1)}),
        ("territory", {"north": ("5000.00", "5000.00", "0.00", 2), "south": ("2000.00", "2000.00", "500.00", 1)}),
        ("region", {"east": ("4000.00", "4000.00", "0.00", 1), "west": ("3000.00", "3000.00", "500.00", 2)}),
        ("channel_manager", {"cm-1": ("3000.00", "3000.00", "500.00", 2), "cm-2": ("4000.00", "4000.00", "0.00", 1)}),
    ],
)
def test_rollup_groups_partners_and_sums_their_plans(by: str, expected: dict[str, tuple[str, str, str, int]]) -> None:
    rows = rollup(DEALS_BY_PARTNER, PLANS, POLICY, by=by, period=Q4)  # type: ignore[arg-type]
    assert [key for key, _ in rows] == sorted(expected)
    got = {key: (str(f.plan), str(f.pipeline_total), str(f.closed_won), f.open_deals) for key, f in rows}
    assert got == expected


def test_a_groups_figures_are_computed_over_the_whole_group() -> None:
    rows = dict(rollup(DEALS_BY_PARTNER, PLANS, POLICY, by="region", period=Q4))
    west = rows["west"]
    assert west == compute_figures([*P1, *P2], D("3000"), POLICY, period=Q4)
    assert west.coverage == D("0.1000")  # (1000 + 2000) x 0.10 / 3000


def test_a_partner_is_grouped_by_its_latest_attributes() -> None:
    moved = [
        deal("old", "100.00", partner="p9", territory="north", event_minute=1),
        deal("new", "200.00", partner="p9", territory="south", event_minute=2),
    ]
    rows = rollup({"p9": moved}, {}, POLICY, by="territory", period=Q4)
    assert [(key, f.pipeline_total) for key, f in rows] == [("south", D("300.00"))]


def test_given_partner_attributes_place_a_partner_without_deals() -> None:
    rows = rollup(
        {"p1": P1},
        {"p1": D("1000"), "p4": D("500")},
        POLICY,
        by="region",
        period=Q4,
        partner_attributes={"p4": PartnerAttributes(tier=3, region="west")},
    )
    assert [(key, f.plan, f.open_deals) for key, f in rows] == [("west", D("1500.00"), 1)]


def test_an_unknown_attribute_groups_under_none_listed_last() -> None:
    rows = rollup(
        {"p1": P1, "p5": [deal("x", partner="p5", region=None)]}, {"p6": D("10")}, POLICY, by="region", period=Q4
    )
    assert [(key, f.open_deals, f.plan) for key, f in rows] == [("west", 1, None), (None, 1, D("10.00"))]


def test_partners_with_neither_a_plan_nor_a_deal_in_the_period_are_left_out() -> None:
    elsewhere = {"p7": [deal("y", partner="p7", expected="2027-03-01")]}
    assert rollup({**DEALS_BY_PARTNER, **elsewhere}, PLANS, POLICY, by="partner", period=Q4)[-1][0] == "p3"
    assert [key for key, _ in rollup(elsewhere, {}, POLICY, period=Q4)] == []


def test_a_plan_alone_makes_a_partner_appear_with_zero_pipeline() -> None:
    rows = rollup({}, {"p8": D("1000")}, POLICY, period=Q4)
    assert len(rows) == 1
    key, figures = rows[0]
    assert key == "p8"
    assert (figures.pipeline_total, figures.coverage, figures.performance_to_plan) == (
        D("0.00"),
        D("0.0000"),
        D("0.0000"),
    )


def test_rollup_refuses_an_unknown_grouping() -> None:
    with pytest.raises(ValueError, match="cannot group by 'country'"):
        rollup(DEALS_BY_PARTNER, PLANS, POLICY, by="country", period=Q4)  # type: ignore[arg-type]
