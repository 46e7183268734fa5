"""Simulation against hand-worked figures. The contract's program (25 % of margin, stage
bonuses 50/100/150, 2 % on close, cap 5000, budget 250000) and a deal of 12000 at 25 %
margin: registration 750, qualified +50, proposal +100, negotiation +150, close +240.
Reach 0.6 / 0.45 / 0.35 and win 0.3 end deals at: registered 0.4 (750), qualified 0.15
(800), proposal 0.10 (900), negotiation 0.05 (1050), won 0.3 (1290): 949.50 per registration."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from incentives_factories import make_program

from events.vocabulary import DealStage as Stage
from incentives.domain.simulation import (
    Forecast,
    InvalidForecast,
    ProposalStatus,
    expected_payout_per_registration,
    proposal_decision,
    roi,
    simulate,
)

D = Decimal


def make_forecast(**overrides: Any) -> Forecast:
    fields: dict[str, Any] = {
        "expected_registrations": 100,
        "win_rate": D("0.3"),
        "avg_deal_amount": D("12000.00"),
        "avg_margin_pct": D("25"),
        "stage_reach_rates": {Stage.QUALIFIED: D("0.6"), Stage.PROPOSAL: D("0.45"), Stage.NEGOTIATION: D("0.35")},
        "tier_mix": {1: D("1")},
    }
    fields.update(overrides)
    return Forecast(**fields)


def test_the_worked_example() -> None:
    result = simulate(make_program(), make_forecast())
    assert result.expected_registrations == 100
    assert result.expected_wins == D("30.00")
    assert result.expected_revenue == D("360000.00")
    assert result.expected_payout == result.payout_before_budget == D("94950.00")
    assert result.budget_limited is False
    assert result.roi == D("2.7915")  # (360000 - 94950) / 94950 = 2.79146...


@pytest.mark.parametrize(
    ("program", "forecast", "per_registration"),
    [
        ({}, {}, "949.50"),
        # the cap holds per deal: won 1290 -> 1000, negotiation 1050 -> 1000
        ({"cap_per_deal": D("1000.00")}, {}, "860.00"),
        ({"cap_per_deal": None}, {}, "949.50"),
        # tier 3 pays 1.5x every reward: half the deals at 1424.25
        ({}, {"tier_mix": {1: D("0.5"), 3: D("0.5")}}, "1186.875"),
        # a later stage's reach lifts the earlier ones; nothing below the win rate
        ({}, {"stage_reach_rates": {Stage.QUALIFIED: D("0.2"), Stage.NEGOTIATION: D("0.5")}}, "972.00"),
        # no reach rates: only winners pass the stages
        ({}, {"stage_reach_rates": {}}, "912.00"),
        # paid on approval: every registration is assumed approved, so the same
        ({"pay_registration_on": "approved"}, {}, "949.50"),
        ({}, {"win_rate": D("0"), "stage_reach_rates": {}}, "750.00"),
        ({}, {"win_rate": D("1")}, "1290.00"),
    ],
)
def test_expected_payout_per_registration(
    program: dict[str, Any], forecast: dict[str, Any], per_registration: str
) -> None:
    assert expected_payout_per_registration(make_program(**program), make_forecast(**forecast)) == D(per_registration)


def test_the_budget_holds_the_payout() -> None:
    result = simulate(make_program(budget=D("50000.00")), make_forecast())
    assert (result.payout_before_budget, result.expected_payout, result.budget_limited) == (
        D("94950.00"),
        D("50000.00"),
        True,
    )
    assert result.roi == D("6.2000")  # (360000 - 50000) / 50000


def test_a_program_that_pays_nothing_has_no_roi() -> None:
    program = make_program(registration_reward_pct=D("0"), stage_bonuses={}, close_won_pct=D("0"))
    result = simulate(program, make_forecast())
    assert (result.expected_payout, result.roi) == (D("0.00"), None)
    assert proposal_decision(result.roi, D("0")) is ProposalStatus.PENDING


def test_no_registrations_no_money() -> None:
    result = simulate(make_program(), make_forecast(expected_registrations=0))
    assert (result.expected_wins, result.expected_revenue, result.expected_payout, result.roi) == (
        D("0.00"),
        D("0.00"),
        D("0.00"),
        None,
    )


@pytest.mark.parametrize(
    ("revenue", "payout", "expected"),
    [
        ("300.00", "100.00", "2.0000"),
        ("100.00", "100.00", "0.0000"),
        ("50.00", "100.00", "-0.5000"),
        ("100.00", "3.00", "32.3333"),
        ("100.00", "0.00", None),
    ],
)
def test_roi(revenue: str, payout: str, expected: str | None) -> None:
    assert roi(D(revenue), D(payout)) == (None if expected is None else D(expected))


@pytest.mark.parametrize(
    ("roi_value", "min_roi", "status"),
    [
        ("2.7915", "2.5", ProposalStatus.APPROVED),
        ("2.5000", "2.5", ProposalStatus.APPROVED),  # meeting the minimum is enough
        ("2.4999", "2.5", ProposalStatus.PENDING),
        ("-0.5", "-1", ProposalStatus.APPROVED),
        (None, "0", ProposalStatus.PENDING),
    ],
)
def test_proposal_decision(roi_value: str | None, min_roi: str, status: ProposalStatus) -> None:
    assert proposal_decision(None if roi_value is None else D(roi_value), D(min_roi)) is status


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"expected_registrations": -1}, "expected_registrations"),
        ({"win_rate": D("1.01")}, "win_rate"),
        ({"win_rate": D("-0.1")}, "win_rate"),
        ({"avg_deal_amount": D("-1")}, "avg_deal_amount"),
        ({"avg_margin_pct": D("101")}, "avg_margin_pct"),
        ({"stage_reach_rates": {"closed_won": D("0.3")}}, "unknown stage"),
        ({"stage_reach_rates": {"qualified": D("1.5")}}, "stage_reach_rates[qualified]"),
        ({"tier_mix": {}}, "at least one tier"),
        ({"tier_mix": {4: D("1")}}, "unknown tier"),
        ({"tier_mix": {1: D("0.5"), 2: D("0.4")}}, "sum to 1"),
        ({"tier_mix": {1: D("-0.5"), 2: D("1.5")}}, "tier_mix[1]"),
    ],
)
def test_invalid_forecasts_are_refused(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidForecast) as caught:
        make_forecast(**overrides)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_a_tier_mix_of_thirds_is_accepted_and_normalised() -> None:
    thirds = make_forecast(tier_mix={1: D("0.333"), 2: D("0.333"), 3: D("0.333")})
    exact = (
        expected_payout_per_registration(make_program(), make_forecast(tier_mix={1: D(1)}))
        * (D(1) + D("1.25") + D("1.5"))
        / 3
    )
    assert abs(expected_payout_per_registration(make_program(), thirds) - exact) < D("0.000001")
