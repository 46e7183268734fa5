"""Currencies kept apart in the figures (pure logic): the reporting currency, what counts in it,
and what every other currency shows under other_currencies; and rollups of partners whose plans
or deals are in several currencies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pipeline_deals import deal_snapshot

from pipeline.domain.figures import (
    CurrencySummary,
    compute_figures,
    figures_by_currency,
    other_plans,
    reporting_currency,
)
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome, PartnerAttributes
from pipeline.domain.rollups import rollup_by_currency, rollup_from_totals
from pipeline.domain.totals import ZERO, PeriodTotals, totals_by_currency, totals_of

D = Decimal
Q4 = Quarter(2026, 4)
POLICY = PipelinePolicy()
T0 = datetime(2026, 10, 1, 9, tzinfo=UTC)


def deal(
    deal_id: str,
    amount: str,
    currency: str = "USD",
    status: DealStatus = DealStatus.APPROVED,
    stage: DealStage = DealStage.REGISTERED,
    partner: str = "p1",
    expected: date | None = date(2026, 11, 15),
    closed_on: date | None = None,
    outcome: Outcome | None = None,
) -> DealSnapshot:
    return deal_snapshot(
        deal_id=deal_id, partner_id=partner, tier=1, territory="west", region="NA", channel_manager="cm-1",
        amount=D(amount), currency=currency, status=status, stage=stage, expected_close_date=expected,
        closed_on=closed_on, outcome=outcome,
    )  # fmt: skip


def won(deal_id: str, amount: str, currency: str) -> DealSnapshot:
    return deal(deal_id, amount, currency, DealStatus.CLOSED, DealStage.CLOSED_WON, closed_on=date(2026, 11, 1),
                outcome=Outcome.WON)  # fmt: skip


def test_the_issues_example_a_usd_plan_counts_usd_only_and_shows_jpy_apart() -> None:
    deals = [deal("usd", "10000.00", "USD"), deal("jpy", "1000000", "JPY")]
    figures = figures_by_currency(totals_by_currency(deals, Q4), [(D("10000.00"), "USD")], POLICY)
    assert figures.currency == "USD"
    assert (figures.pipeline_total, figures.open_deals, figures.plan) == (D("10000.00"), 1, D("10000.00"))
    assert figures.risk_adjusted_pipeline == D("1000.00")  # 10000 x 0.10: the yen never count
    assert figures.coverage == D("0.1000")
    assert figures.other_currencies == {"JPY": CurrencySummary(D("1000000.00"), D("0.00"), 1)}


def test_the_figures_in_the_plans_currency_equal_those_of_its_deals_alone() -> None:
    usd = [deal("a", "1000.00"), deal("b", "2500.00", stage=DealStage.PROPOSAL), won("w", "700.00", "USD")]
    eur = [deal("e", "9999.00", "EUR"), won("x", "5000.00", "EUR")]
    figures = figures_by_currency(totals_by_currency([*usd, *eur], Q4), [(D("4000"), "USD")], POLICY)
    alone = compute_figures(usd, D("4000"), POLICY, Q4)
    assert replace(figures, currency=None, other_currencies={}) == alone
    assert figures.other_currencies == {"EUR": CurrencySummary(D("9999.00"), D("5000.00"), 1)}


def test_a_plan_in_a_currency_without_deals_gives_zero_figures_and_everything_else_apart() -> None:
    figures = figures_by_currency(totals_by_currency([deal("e", "800.00", "EUR")], Q4), [(D("100"), "GBP")], POLICY)
    assert (figures.currency, figures.pipeline_total, figures.open_deals) == ("GBP", D("0.00"), 0)
    assert figures.coverage == D("0.0000")  # the EUR deal does not rescue a GBP plan
    assert set(figures.other_currencies) == {"EUR"}


def test_without_a_plan_the_currency_with_most_deals_is_reported_ties_alphabetically() -> None:
    deals = [deal("j1", "1", "JPY"), deal("j2", "2", "JPY"), deal("u", "100.00", "USD")]
    figures = figures_by_currency(totals_by_currency(deals, Q4), [], POLICY)
    assert (figures.currency, figures.pipeline_total, figures.plan) == ("JPY", D("3.00"), None)
    assert set(figures.other_currencies) == {"USD"}
    tie = totals_by_currency([deal("u", "1.00", "USD"), deal("e", "1.00", "EUR")], Q4)
    assert reporting_currency([], tie) == "EUR"
    assert reporting_currency([], {}) is None
    nothing = figures_by_currency({}, [], POLICY)
    assert (nothing.currency, nothing.pipeline_total, nothing.other_currencies) == (None, D("0.00"), {})


def test_the_plans_currency_wins_over_the_deals_majority() -> None:
    deals = [deal("j1", "1", "JPY"), deal("j2", "2", "JPY")]
    assert reporting_currency(["USD"], totals_by_currency(deals, Q4)) == "USD"
    assert reporting_currency(["EUR", "USD", "USD"], {}) == "USD"


def test_deals_outside_the_period_or_rejected_only_do_not_show_as_another_currency() -> None:
    outside = deal("next", "5.00", "EUR", expected=date(2027, 1, 5))
    figures = figures_by_currency(totals_by_currency([deal("a", "1.00"), outside], Q4), [(D("1"), "USD")], POLICY)
    assert figures.other_currencies == {}
    rejected = deal("r", "5.00", "CHF", status=DealStatus.REJECTED)
    figures = figures_by_currency(totals_by_currency([rejected], Q4), [(D("1"), "USD")], POLICY)
    # Placed in the period (a rollup lists it) but nothing open or won: shown with zeros.
    assert figures.other_currencies == {"CHF": CurrencySummary(D("0.00"), D("0.00"), 0)}


def test_totals_are_kept_per_currency() -> None:
    deals = [deal("a", "1.00"), deal("b", "2.00", "EUR"), deal("c", "3.00")]
    by_currency = totals_by_currency(deals, Q4)
    assert set(by_currency) == {"EUR", "USD"}
    assert by_currency["USD"] == totals_of(deals[::2], Q4)
    assert by_currency["USD"].open_total_amount == D("4.00")


def test_a_group_with_plans_in_two_currencies_counts_the_majoritys_and_lists_the_others() -> None:
    totals = {
        "p1": totals_by_currency([deal("a", "100.00", partner="p1")], Q4),
        "p2": totals_by_currency([deal("b", "200.00", partner="p2")], Q4),
        "p3": totals_by_currency([deal("c", "300.00", "EUR", partner="p3")], Q4),
    }
    plans = {"p1": (D("1000"), "USD"), "p2": (D("500"), "USD"), "p3": (D("700"), "EUR")}
    west = PartnerAttributes(1, "west", "NA", "cm-1")
    rows = rollup_by_currency(totals, plans, POLICY, by="territory", partner_attributes=dict.fromkeys(totals, west))
    [(key, figures, group_plans)] = rows
    assert (key, figures.currency, figures.plan, figures.pipeline_total) == ("west", "USD", D("1500"), D("300.00"))
    assert figures.other_currencies == {"EUR": CurrencySummary(D("300.00"), D("0.00"), 1)}
    assert other_plans(group_plans, figures.currency) == {"EUR": D("700.00")}


def test_a_rollup_by_partner_gives_each_partner_its_own_figures() -> None:
    totals = {
        "p1": totals_by_currency([deal("a", "100.00", partner="p1"), deal("j", "9000", "JPY", partner="p1")], Q4),
        "p2": totals_by_currency([deal("b", "50.00", "EUR", partner="p2")], Q4),
    }
    plans = {"p1": (D("1000"), "USD")}
    rows = {key: figures for key, figures, _ in rollup_by_currency(totals, plans, POLICY)}
    assert rows["p1"] == figures_by_currency(totals["p1"], [plans["p1"]], POLICY)
    assert (rows["p2"].currency, rows["p2"].pipeline_total) == ("EUR", D("50.00"))


_currencies = st.sampled_from(["USD", "EUR", "JPY"])
_deals = st.builds(
    lambda i, partner, amount, currency, status, stage: deal(f"d{i}", f"{amount:.2f}", currency, status, stage,
                                                             partner),
    st.integers(0, 10**6),
    st.sampled_from(["p1", "p2", "p3"]),
    st.decimals(min_value=0, max_value=10**9, places=2),
    _currencies,
    st.sampled_from([DealStatus.APPROVED, DealStatus.PENDING_APPROVAL, DealStatus.REJECTED]),
    st.sampled_from([DealStage.REGISTERED, DealStage.PROPOSAL, DealStage.NEGOTIATION]),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_deals, max_size=25), st.dictionaries(st.sampled_from(["p1", "p2", "p3", "p4"]), _currencies))
def test_no_figure_ever_adds_two_currencies(deals: list[DealSnapshot], plan_currencies: dict[str, str]) -> None:
    """Each group's money figures equal those of its deals in its reporting currency alone, and
    every other currency's summary equals that currency's deals alone."""
    by_partner: dict[str, list[DealSnapshot]] = {}
    for d in deals:
        by_partner.setdefault(d.partner_id, []).append(d)
    totals = {p: totals_by_currency(ds, Q4) for p, ds in by_partner.items()}
    plans = {p: (D("1000"), c) for p, c in plan_currencies.items()}
    for key, figures, _ in rollup_by_currency(totals, plans, POLICY, by="partner"):
        assert key is not None
        mine = by_partner.get(key, [])
        counted = [d for d in mine if d.currency == figures.currency]
        assert figures.pipeline_total == compute_figures(counted, None, POLICY, Q4).pipeline_total
        for currency, summary in figures.other_currencies.items():
            alone = totals_of([d for d in mine if d.currency == currency], Q4)
            assert summary.pipeline_total == alone.open_total_amount
            assert currency != figures.currency


@settings(max_examples=100, deadline=None)
@given(st.lists(_deals, max_size=25))
def test_with_one_currency_the_rollup_is_the_single_currency_rollup(deals: list[DealSnapshot]) -> None:
    usd = [replace(d, currency="USD") for d in deals]
    by_partner: dict[str, list[DealSnapshot]] = {}
    for d in usd:
        by_partner.setdefault(d.partner_id, []).append(d)
    plans = {"p1": D("1000"), "p4": D("50")}
    single = rollup_from_totals({p: totals_of(ds, Q4) for p, ds in by_partner.items()}, plans, POLICY)
    kept = rollup_by_currency(
        {p: totals_by_currency(ds, Q4) for p, ds in by_partner.items()},
        {p: (amount, "USD") for p, amount in plans.items()},
        POLICY,
    )
    assert [(k, replace(f, currency=None, other_currencies={})) for k, f, _ in kept] == single
    assert all(f.currency == "USD" and f.other_currencies == {} for _, f, _ in kept)


@pytest.mark.parametrize("totals", [{}, {"USD": ZERO}, {"USD": PeriodTotals(deal_count=1)}])
def test_degenerate_inputs_never_fail(totals: dict[str, PeriodTotals]) -> None:
    figures = figures_by_currency(totals, [(D("0"), "USD")], POLICY)
    assert figures.currency == "USD" and figures.coverage is None  # a zero plan: no division
