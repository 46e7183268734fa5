"""Scorecards' pure domain: every metric from deal facts, percentiles and medians (empty, single,
ties), the score at its boundaries, weights, and partner activity."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from pipeline_deals import T0, deal_snapshot

from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import DealStatus, Outcome
from pipeline.domain.scorecards import (
    METRICS,
    SORTS,
    CohortTotals,
    DealExtras,
    PartnerMetrics,
    PeerStat,
    PlanFigures,
    activity,
    check_weights,
    cohort_totals,
    default_weights,
    fact_of,
    fold_extras,
    full_weights,
    median,
    partner_metrics,
    percentile,
    ranked,
    score,
    scorecards,
    totals_by_key,
    trend_periods,
)

D = Decimal


def fact(deal_id: str, *, hours: float | None = None, **changes: object):  # type: ignore[no-untyped-def]
    """A fact of partner p1 with vendor acme registered at T0 (2026Q4); `hours` to its decision."""
    extras = DealExtras(
        decided_at=None if hours is None else T0 + timedelta(hours=hours),
        overdue=bool(changes.pop("overdue", False)),
        conflict=bool(changes.pop("conflict", False)),
    )
    return fact_of(deal_snapshot(deal_id=deal_id, **changes), extras)


def won(deal_id: str, amount: str, closed: date, currency: str = "USD", hours: float = 1):  # type: ignore[no-untyped-def]
    return fact(
        deal_id,
        hours=hours,
        status=DealStatus.CLOSED,
        outcome=Outcome.WON,
        final_amount=D(amount),
        closed_on=closed,
        currency=currency,
    )


def lost(deal_id: str, closed: date, hours: float = 1):  # type: ignore[no-untyped-def]
    return fact(deal_id, hours=hours, status=DealStatus.CLOSED, outcome=Outcome.LOST, closed_on=closed)


# --- facts from events ---


def test_extras_fold_is_idempotent_and_keeps_the_first_decision() -> None:
    later = T0 + timedelta(hours=30)
    extras = fold_extras(None, "deal-approved", {"conflict": True}, later)
    extras = fold_extras(extras, "deal-approval-overdue", {}, T0 + timedelta(hours=50))
    again = fold_extras(extras, "deal-approved", {"conflict": False}, later)  # a redelivery
    earlier = fold_extras(again, "deal-rejected", {}, T0 + timedelta(hours=2))  # out of order
    assert extras == again == DealExtras(decided_at=later, overdue=True, conflict=True)
    assert earlier.decided_at == T0 + timedelta(hours=2)


def test_an_auto_approved_registration_is_decided_at_registration() -> None:
    extras = fold_extras(None, "deal-registered", {"status": "approved"}, T0)
    assert extras.decided_at == T0
    assert fold_extras(None, "deal-registered", {"status": "pending_approval"}, T0).decided_at is None


def test_a_fact_counts_in_its_registration_and_its_close_period() -> None:
    closed = won("d-1", "10.00", date(2027, 1, 10))
    assert closed.registered_period == "2026Q4" and closed.closed_period == "2027Q1"
    assert closed.keys == {("acme", "p1", "2026Q4"), ("acme", "p1", "2027Q1")}
    assert fact("d-2").keys == {("acme", "p1", "2026Q4")}
    assert closed.closed_on_days == 101  # 2026-10-01 to 2027-01-10


# --- every metric, by hand ---


def test_every_deal_metric_of_a_cohort() -> None:
    q4 = date(2026, 11, 30)
    facts = [
        won("w1", "1000.00", q4, hours=10),  # 60 days
        won("w2", "3000.00", q4, hours=20),  # 60 days
        lost("l1", date(2026, 10, 31), hours=30),  # 30 days
        fact("r1", hours=40, status=DealStatus.REJECTED, conflict=True),
        fact("p1", status=DealStatus.PENDING_APPROVAL, overdue=True),
        fact("e1", hours=50, status=DealStatus.EXPIRED, overdue=True),
        fact("a1", hours=60, status=DealStatus.APPROVED, conflict=True),
    ]
    totals = cohort_totals(facts, "2026Q4")
    m = partner_metrics("p1", totals, PlanFigures(D("0.8000"), D("0.4000"), "USD"), {"USD": D("55.5")})
    v = m.values
    assert v["registrations"] == 7
    assert v["approved"] == 5  # w1, w2, l1 (closed), e1 (expired after approval), a1
    assert v["rejected"] == 1
    assert v["approval_rate"] == D("0.8333")  # 5 / 6
    assert v["median_hours_to_decision"] == D("35.00")  # 10, 20, 30, 40, 50, 60
    assert v["sla_breaches"] == 2
    assert v["conflict_rate"] == D("0.2857")  # 2 / 7
    assert (v["won"], v["lost"]) == (2, 1)
    assert v["win_rate"] == D("0.6667")
    assert v["avg_deal_size"] == D("2000.00")
    assert v["avg_cycle_days"] == D("50.00")  # (60 + 60 + 30) / 3
    # 7 registrations x 2000.00 x 0.6667 / 50.00 per day
    assert v["sales_velocity"] == D("186.68")
    assert (v["coverage"], v["performance_to_plan"]) == (D("0.8000"), D("0.4000"))
    assert v["rewards_net"] == D("55.50")
    assert m.active and m.producing and m.currency == "USD"


def test_an_empty_period_has_counts_of_zero_and_no_rates() -> None:
    m = partner_metrics("p1", CohortTotals(), PlanFigures(), {})
    assert not m.active and not m.producing and m.currency is None
    assert {k for k, v in m.values.items() if v is None} == {
        "approval_rate", "median_hours_to_decision", "conflict_rate", "win_rate", "avg_deal_size",
        "avg_cycle_days", "sales_velocity", "coverage", "performance_to_plan", "rewards_net",
    }  # fmt: skip
    assert all(m.values[k] == 0 for k in ("registrations", "approved", "rejected", "sla_breaches", "won", "lost"))


def test_a_deal_closed_in_the_period_makes_the_partner_active_without_a_registration() -> None:
    # Registered in 2026Q4, won in 2027Q1: 2027Q1's cohort is empty but the partner is active and producing.
    totals = cohort_totals([won("w1", "10.00", date(2027, 2, 1))], "2027Q1")
    assert totals.registrations == 0 and totals.active and totals.producing
    assert not cohort_totals([lost("l1", date(2027, 2, 1))], "2027Q1").producing


def test_money_metrics_count_only_the_scorecard_currency() -> None:
    q4 = date(2026, 12, 1)
    facts = [won("u1", "100.00", q4), won("e1", "900.00", q4, currency="EUR"), won("e2", "700.00", q4, currency="EUR")]
    totals = cohort_totals(facts, "2026Q4")
    # No plan: the currency most registrations are in (EUR), never a sum of USD and EUR.
    m = partner_metrics("p1", totals, PlanFigures(), {"USD": D("5"), "EUR": D("-2.5")})
    assert m.currency == "EUR" and m.values["avg_deal_size"] == D("800.00")
    assert m.values["rewards_net"] == D("-2.50") and m.other_rewards == {"USD": D("5.00")}
    # With a USD plan the card is in USD.
    usd = partner_metrics("p1", totals, PlanFigures(plan_currency="USD"), {})
    assert usd.currency == "USD" and usd.values["avg_deal_size"] == D("100.00")
    assert usd.values["won"] == 3  # counts are not money: every currency counts


def test_totals_by_key_gives_each_fact_to_its_periods() -> None:
    facts = [won("w1", "10.00", date(2027, 1, 5)), fact("x")]
    got = totals_by_key(facts, [("acme", "p1", "2026Q4"), ("acme", "p1", "2027Q1"), ("acme", "p2", "2026Q4")])
    assert got[("acme", "p1", "2026Q4")].registrations == 2
    assert got[("acme", "p1", "2027Q1")].won_in_period == 1
    assert got[("acme", "p2", "2026Q4")] == CohortTotals()


# --- percentiles and medians ---


def test_percentile_single_peer_and_all_tied_are_50() -> None:
    assert percentile(D(3), [D(3)]) == D("50.00")
    assert percentile(4, [4, 4, 4]) == D("50.00")


def test_percentile_best_worst_and_ties() -> None:
    peers = [1, 2, 2, 3]
    assert percentile(3, peers) == D("100.00")
    assert percentile(1, peers) == D("0.00")
    assert percentile(2, peers) == D("50.00")  # (1 worse + 1/2) / 3
    assert percentile(1, peers, higher_is_better=False) == D("100.00")
    assert percentile(2, [1, 2, 3]) == D("50.00")


def test_percentile_refuses_a_value_outside_its_peers() -> None:
    with pytest.raises(ValueError, match="among its peers"):
        percentile(9, [1, 2])


def test_median_empty_odd_even() -> None:
    assert median([]) is None
    assert median([3, 1, 2]) == D(2)
    assert median([D("1"), D("2"), D("4"), D("10")]) == D(3)


def metrics(partner: str, currency: str | None = "USD", **values: Decimal | int | None) -> PartnerMetrics:
    full: dict[str, Decimal | int | None] = dict.fromkeys(METRICS)
    full.update(values)
    return PartnerMetrics(partner, currency, full, active=True, producing=False)


def test_peers_of_an_empty_period_and_of_one_partner() -> None:
    assert scorecards([], default_weights()) == []
    (card,) = scorecards([metrics("p1", registrations=3, win_rate=D("0.5"))], default_weights())
    assert card.peer["registrations"] == PeerStat(D("50.00"), D(3))
    assert card.peer["coverage"] == PeerStat(None, None)
    assert card.score == D("50.00")


def test_peers_rank_each_metric_in_its_direction() -> None:
    cards = scorecards(
        [
            metrics("a", registrations=10, median_hours_to_decision=D("5")),
            metrics("b", registrations=5, median_hours_to_decision=D("50")),
            metrics("c", registrations=5, median_hours_to_decision=None),
        ],
        default_weights(),
    )
    a, b, c = cards
    assert a.peer["registrations"].percentile == D("100.00")
    assert b.peer["registrations"].percentile == c.peer["registrations"].percentile == D("25.00")
    assert a.peer["registrations"].median == D(5)
    # Fewer hours is better; c has none and is left out of the peers.
    assert a.peer["median_hours_to_decision"] == PeerStat(D("100.00"), D("27.5"))
    assert b.peer["median_hours_to_decision"].percentile == D("0.00")
    assert c.peer["median_hours_to_decision"].percentile is None


def test_money_peers_are_the_partners_in_the_same_currency() -> None:
    usd = metrics("a", avg_deal_size=D("100"))
    usd2 = metrics("b", avg_deal_size=D("300"))
    eur = metrics("c", currency="EUR", avg_deal_size=D("5000"))
    a, _, c = scorecards([usd, usd2, eur], default_weights())
    assert a.peer["avg_deal_size"] == PeerStat(D("0.00"), D(200))
    assert c.peer["avg_deal_size"] == PeerStat(D("50.00"), D(5000))


# --- score ---


def test_score_boundaries() -> None:
    weights = default_weights()
    best = {m: PeerStat(D(100), None) for m in METRICS}
    worst = {m: PeerStat(D(0), None) for m in METRICS}
    assert score(best, weights) == D("100.00")
    assert score(worst, weights) == D("0.00")
    assert score({m: PeerStat(None, None) for m in METRICS}, weights) == D("0.00")


def test_score_is_the_weighted_mean_of_the_weighted_metrics_with_a_value() -> None:
    peer = {m: PeerStat(None, None) for m in METRICS}
    peer["win_rate"] = PeerStat(D(90), None)
    peer["registrations"] = PeerStat(D(30), None)
    peer["coverage"] = PeerStat(D(0), None)  # weighs 0: left out
    weights = full_weights({"win_rate": D(2), "registrations": D(1), "avg_deal_size": D(5)})
    assert score(peer, weights) == D("70.00")  # (2 x 90 + 1 x 30) / 3


def test_ranking_best_first_missing_last_ties_by_partner() -> None:
    cards = scorecards(
        [metrics("b", win_rate=D("0.5")), metrics("a", win_rate=D("0.5")), metrics("c"), metrics("d", win_rate=D(1))],
        default_weights(),
    )
    assert [c.metrics.partner_id for c in ranked(cards, "win_rate")] == ["d", "a", "b", "c"]
    assert ranked(cards, "score")[0].metrics.partner_id == "d"


# --- weights ---


def test_weights_problems_name_the_metric() -> None:
    assert check_weights(default_weights()) == []
    assert check_weights({"win_rate": D(1), "coverage": D(0)}) == []
    assert [p[0] for p in check_weights({"nope": D(1), "win_rate": D(-1)})] == ["nope", "win_rate"]
    assert check_weights({"win_rate": D(0)}) == [("weights", "at least one weight must be above 0")]
    assert check_weights({}) == [("weights", "at least one weight must be above 0")]


# --- activity ---


def test_activity_newly_active_lapsed_and_attrition() -> None:
    q = Quarter(2026, 4)
    active = {"2026Q3": {"a", "b", "c", "d"}, "2026Q4": {"a", "e"}}
    got = activity(q, {"a", "b", "z"}, active, {"2026Q4": {"a"}})
    assert (got.enrolled, got.active, got.producing) == (4, 2, 1)  # a, b, z enrolled + e active
    assert (got.newly_active, got.lapsed) == (1, 3)
    assert got.attrition_rate == D("0.7500")
    first = activity(Quarter(2026, 1), set(), {}, {})
    assert first.attrition_rate is None and first.active == 0


def test_trend_periods_end_with_the_period() -> None:
    assert [str(p) for p in trend_periods(Quarter(2027, 1))] == ["2026Q2", "2026Q3", "2026Q4", "2027Q1"]


def test_facts_use_utc_registration_dates() -> None:
    late = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert fact("x", created_at=late).registered_period == "2026Q4"


def test_the_api_offers_exactly_the_domains_sorts_and_weights() -> None:
    from typing import get_args

    from pipeline.api.scorecard_routes import Sort
    from pipeline.api.scorecard_schemas import MetricWeights

    assert get_args(Sort) == SORTS
    assert tuple(MetricWeights.model_fields) == tuple(METRICS)
