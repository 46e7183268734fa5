from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from incentives_factories import make_program

from events.vocabulary import DealStage as Stage
from incentives.domain.programs import (
    InvalidProgram,
    PayRegistrationOn,
    active_program,
    overlapping_programs,
    programs_overlap,
)

D = Decimal


def test_the_contract_example_is_a_valid_program() -> None:
    program = make_program()
    assert program.multiplier(2) == D("1.25")
    assert program.stage_bonuses[Stage.PROPOSAL] == D("100.00")


def test_values_given_as_strings_become_enums() -> None:
    program = make_program(stage_bonuses={"qualified": D("50.00")}, pay_registration_on="approved")
    assert list(program.stage_bonuses) == [Stage.QUALIFIED]
    assert isinstance(next(iter(program.stage_bonuses)), Stage)
    assert program.pay_registration_on is PayRegistrationOn.APPROVED


@pytest.mark.parametrize(
    ("overrides", "problem"),
    [
        ({"vendor_id": " "}, "vendor_id is required"),
        ({"name": ""}, "name is required"),
        ({"partner_id": ""}, "partner_id"),
        ({"currency": "usd"}, "currency"),
        ({"currency": "DOLLAR"}, "currency"),
        ({"starts_on": date(2027, 10, 1)}, "ends_on is before starts_on"),
        ({"pay_registration_on": "closed"}, "pay_registration_on"),
        ({"registration_reward_pct": D("100.01")}, "registration_reward_pct"),
        ({"registration_reward_pct": D("-1")}, "registration_reward_pct"),
        ({"registration_reward_pct": D("NaN")}, "registration_reward_pct"),
        ({"close_won_pct": D("101")}, "close_won_pct"),
        ({"stage_bonuses": {"registered": D("10.00")}}, "unknown stage 'registered'"),
        ({"stage_bonuses": {"closed_lost": D("10.00")}}, "unknown stage 'closed_lost'"),
        ({"stage_bonuses": {"qualified": D("-5.00")}}, "stage_bonuses[qualified]"),
        ({"stage_bonuses": {"qualified": D("5.001")}}, "stage_bonuses[qualified]"),
        ({"tier_multipliers": {1: D("1"), 2: D("1")}}, "exactly tiers 1, 2 and 3"),
        ({"tier_multipliers": {1: D("1"), 2: D("1"), 3: D("1"), 4: D("2")}}, "exactly tiers 1, 2 and 3"),
        ({"tier_multipliers": {1: D("1"), 2: D("-1"), 3: D("1")}}, "tier_multipliers[2]"),
        ({"cap_per_deal": D("0")}, "cap_per_deal"),
        ({"cap_per_deal": D("10.005")}, "cap_per_deal"),
        ({"budget": D("0")}, "budget"),
        ({"budget": D("-100")}, "budget"),
    ],
)
def test_invalid_programs_are_refused_with_the_reason(overrides: dict[str, Any], problem: str) -> None:
    with pytest.raises(InvalidProgram) as caught:
        make_program(**overrides)
    assert any(problem in p for p in caught.value.problems), caught.value.problems


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InvalidProgram) as caught:
        make_program(name="", currency="x", budget=D("0"))
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize(
    "overrides",
    [
        {"registration_reward_pct": D("0"), "close_won_pct": D("100")},
        {"starts_on": date(2027, 9, 30)},  # a one-day program
        {"cap_per_deal": None},
        {"stage_bonuses": {"closed_won": D("20.00")}},
        {"tier_multipliers": {1: D("0"), 2: D("1"), 3: D("2")}},
    ],
)
def test_boundary_values_are_accepted(overrides: dict[str, Any]) -> None:
    program = make_program(**overrides)
    for name, value in overrides.items():
        assert getattr(program, name) == value


def test_an_unknown_partner_tier_is_refused() -> None:
    with pytest.raises(ValueError, match="tier 4"):
        make_program().multiplier(4)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [
        ({}, {"starts_on": date(2027, 9, 30), "ends_on": date(2028, 9, 30)}, True),  # share the last day
        ({}, {"starts_on": date(2027, 10, 1), "ends_on": date(2028, 9, 30)}, False),  # back to back
        ({}, {"starts_on": date(2025, 1, 1), "ends_on": date(2026, 9, 30)}, False),
        ({}, {"starts_on": date(2025, 1, 1), "ends_on": date(2026, 10, 1)}, True),
        ({}, {"starts_on": date(2027, 1, 1), "ends_on": date(2027, 3, 31)}, True),  # inside
        ({}, {"vendor_id": "globex"}, False),
        ({}, {"partner_id": "p-100"}, False),  # partner-specific next to vendor-wide
        ({"partner_id": "p-100"}, {"partner_id": "p-100"}, True),
        ({"partner_id": "p-100"}, {"partner_id": "p-200"}, False),
    ],
)
def test_programs_overlap(a: dict[str, Any], b: dict[str, Any], overlap: bool) -> None:
    first = make_program(id="a", **a)
    second = make_program(id="b", **b)
    assert programs_overlap(first, second) is overlap
    assert programs_overlap(second, first) is overlap


def test_overlapping_programs_leaves_the_candidate_itself_out() -> None:
    existing = [make_program(id="a"), make_program(id="b", vendor_id="globex")]
    assert [p.id for p in overlapping_programs(existing, make_program(id="c"))] == ["a"]
    assert overlapping_programs(existing, make_program(id="a")) == []


PROGRAMS = [
    make_program(id="fy27", starts_on=date(2026, 10, 1), ends_on=date(2027, 9, 30)),
    make_program(id="fy28", starts_on=date(2027, 10, 1), ends_on=date(2028, 9, 30)),
    make_program(id="p100-q1", partner_id="p-100", starts_on=date(2027, 1, 1), ends_on=date(2027, 3, 31)),
    make_program(id="globex", vendor_id="globex"),
]


@pytest.mark.parametrize(
    ("vendor_id", "partner_id", "on_date", "expected"),
    [
        ("acme", "p-200", date(2026, 10, 1), "fy27"),
        ("acme", "p-200", date(2027, 9, 30), "fy27"),
        ("acme", "p-200", date(2027, 10, 1), "fy28"),
        ("acme", "p-100", date(2027, 1, 1), "p100-q1"),  # partner-specific wins
        ("acme", "p-100", date(2027, 3, 31), "p100-q1"),
        ("acme", "p-100", date(2027, 4, 1), "fy27"),
        ("acme", "p-200", date(2027, 2, 1), "fy27"),  # another partner's program is not ours
        ("acme", "p-200", date(2026, 9, 30), None),
        ("initech", "p-200", date(2027, 2, 1), None),
        ("globex", "p-100", date(2027, 2, 1), "globex"),
    ],
)
def test_active_program(vendor_id: str, partner_id: str, on_date: date, expected: str | None) -> None:
    found = active_program(PROGRAMS, vendor_id, partner_id, on_date)
    assert (found.id if found else None) == expected
