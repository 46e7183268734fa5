"""Every reward rule, table-driven. Program: the contract's example (25 %, 50/100/150, 2 %,
tiers 1.0/1.25/1.5, cap 5000, budget 250000) unless a row overrides it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from incentives_factories import make_deal, make_program

from events.vocabulary import DealEventType
from events.vocabulary import DealStage as Stage
from incentives.domain.programs import PayRegistrationOn
from incentives.domain.rules import CurrencyMismatch, RewardKind, reward_intents

D = Decimal
E = DealEventType
APPROVED = {"pay_registration_on": PayRegistrationOn.APPROVED}
REG = frozenset({"registration"})
THROUGH_QUALIFIED = REG | {"stage:qualified"}
THROUGH_PROPOSAL = THROUGH_QUALIFIED | {"stage:proposal"}
THROUGH_NEGOTIATION = THROUGH_PROPOSAL | {"stage:negotiation"}
WON = {"stage": Stage.CLOSED_WON, "final_amount": D("11500.00")}

ROWS: list[tuple[str, dict[str, Any], DealEventType, dict[str, Any], frozenset[str], str, list[tuple[str, str]]]] = [
    # name, program overrides, event, deal overrides, earned keys, net earned, expected (rule_key, amount)
    ("registration, tier 1", {}, E.DEAL_REGISTERED, {}, frozenset(), "0", [("registration", "750.00")]),
    ("registration, tier 2", {}, E.DEAL_REGISTERED, {"tier": 2}, frozenset(), "0", [("registration", "937.50")]),
    ("registration, tier 3", {}, E.DEAL_REGISTERED, {"tier": 3}, frozenset(), "0", [("registration", "1125.00")]),
    # 10.02 x 25 % = 2.505: half-up gives 2.51 (banker's rounding would give 2.50)
    (
        "half cent rounds up",
        {},
        E.DEAL_REGISTERED,
        {"margin_amount": D("10.02")},
        frozenset(),
        "0",
        [("registration", "2.51")],
    ),
    (
        "just under half a cent rounds down",
        {"registration_reward_pct": D("24.99")},
        E.DEAL_REGISTERED,
        {"margin_amount": D("10.02")},
        frozenset(),
        "0",
        [("registration", "2.50")],
    ),
    # 10.02 x 25 % x 1.25 = 3.13125 -> 3.13 (rounding 2.51 first would give 3.14): rounded once
    (
        "rounded once, after the multiplier",
        {},
        E.DEAL_REGISTERED,
        {"margin_amount": D("10.02"), "tier": 2},
        frozenset(),
        "0",
        [("registration", "3.13")],
    ),
    (
        "a reward under half a cent is nothing",
        {},
        E.DEAL_REGISTERED,
        {"margin_amount": D("0.01")},
        frozenset(),
        "0",
        [],
    ),
    ("zero margin earns nothing", {}, E.DEAL_REGISTERED, {"margin_amount": D("0")}, frozenset(), "0", []),
    ("registration only once", {}, E.DEAL_REGISTERED, {}, REG, "750.00", []),
    ("pay on registered: approval earns nothing", {}, E.DEAL_APPROVED, {}, REG, "750.00", []),
    ("pay on approved: registration earns nothing", APPROVED, E.DEAL_REGISTERED, {}, frozenset(), "0", []),
    (
        "pay on approved: approval earns it",
        APPROVED,
        E.DEAL_APPROVED,
        {"tier": 2},
        frozenset(),
        "0",
        [("registration", "937.50")],
    ),
    ("pay on approved: only once", APPROVED, E.DEAL_APPROVED, {}, REG, "750.00", []),
    ("stage bonus", {}, E.STAGE_ADVANCED, {"stage": Stage.QUALIFIED}, REG, "750.00", [("stage:qualified", "50.00")]),
    (
        "stage bonus x tier 2",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.QUALIFIED, "tier": 2},
        REG,
        "937.50",
        [("stage:qualified", "62.50")],
    ),
    (
        "stage bonus x tier 3",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.NEGOTIATION, "tier": 3},
        THROUGH_PROPOSAL,
        "0",
        [("stage:negotiation", "225.00")],
    ),
    (
        "skipped stages earn their bonus, lowest first",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.NEGOTIATION},
        REG,
        "0",
        [("stage:qualified", "50.00"), ("stage:proposal", "100.00"), ("stage:negotiation", "150.00")],
    ),
    (
        "a stage already earned is not earned again",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.PROPOSAL},
        THROUGH_PROPOSAL,
        "0",
        [],
    ),
    (
        "a duplicate stage event earns nothing",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.QUALIFIED},
        THROUGH_QUALIFIED,
        "0",
        [],
    ),
    (
        "an earlier stage arriving late earns nothing",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.QUALIFIED},
        THROUGH_PROPOSAL,
        "0",
        [],
    ),
    (
        "a stage without bonus earns nothing",
        {"stage_bonuses": {Stage.NEGOTIATION: D("150.00")}},
        E.STAGE_ADVANCED,
        {"stage": Stage.PROPOSAL},
        REG,
        "0",
        [],
    ),
    (
        "half-cent stage bonus rounds up",
        {"stage_bonuses": {Stage.QUALIFIED: D("0.01")}},
        E.STAGE_ADVANCED,
        {"stage": Stage.QUALIFIED, "tier": 3},
        REG,
        "0",
        [("stage:qualified", "0.02")],
    ),
    # 11500 x 2 % = 230
    ("close won", {}, E.DEAL_CLOSED, WON, THROUGH_NEGOTIATION, "0", [("close", "230.00")]),
    ("close won x tier 2", {}, E.DEAL_CLOSED, {**WON, "tier": 2}, THROUGH_NEGOTIATION, "0", [("close", "287.50")]),
    (
        "close won earns the skipped stages first",
        {},
        E.DEAL_CLOSED,
        WON,
        THROUGH_QUALIFIED,
        "0",
        [("stage:proposal", "100.00"), ("stage:negotiation", "150.00"), ("close", "230.00")],
    ),
    (
        "a closed_won stage bonus is paid on the close",
        {"stage_bonuses": {Stage.CLOSED_WON: D("20.00")}},
        E.DEAL_CLOSED,
        {"stage": Stage.CLOSED_WON, "final_amount": D("100.00")},
        REG,
        "0",
        [("stage:closed_won", "20.00"), ("close", "2.00")],
    ),
    # 0.25 x 2 % = 0.005 -> 0.01
    (
        "half-cent close bonus rounds up",
        {},
        E.DEAL_CLOSED,
        {"stage": Stage.CLOSED_WON, "final_amount": D("0.25")},
        THROUGH_NEGOTIATION,
        "0",
        [("close", "0.01")],
    ),
    ("close only once", {}, E.DEAL_CLOSED, WON, THROUGH_NEGOTIATION | {"close"}, "0", []),
    ("close lost earns nothing", {}, E.DEAL_CLOSED, {"stage": Stage.CLOSED_LOST, "final_amount": D("0")}, REG, "0", []),
    ("clawback of everything earned", {}, E.DEAL_REJECTED, {}, REG, "750.00", [("clawback", "-750.00")]),
    (
        "clawback reverses the net, cuts included",
        {},
        E.DEAL_REJECTED,
        {},
        THROUGH_QUALIFIED,
        "12.34",
        [("clawback", "-12.34")],
    ),
    ("no clawback when the program says so", {"clawback_on_reject": False}, E.DEAL_REJECTED, {}, REG, "750.00", []),
    ("nothing to claw back", APPROVED, E.DEAL_REJECTED, {}, frozenset(), "0", []),
    (
        "a clawed-back deal earns nothing more",
        {},
        E.STAGE_ADVANCED,
        {"stage": Stage.QUALIFIED},
        frozenset({"registration", "clawback"}),
        "0",
        [],
    ),
    ("clawback only once", {}, E.DEAL_REJECTED, {}, frozenset({"registration", "clawback"}), "0", []),
    ("expiry earns nothing", {}, E.DEAL_EXPIRED, {}, REG, "750.00", []),
    ("an extension earns nothing", {}, E.DEAL_EXTENDED, {}, REG, "750.00", []),
    ("an overdue approval earns nothing", {}, E.DEAL_APPROVAL_OVERDUE, {}, REG, "750.00", []),
]


@pytest.mark.parametrize(
    ("program_overrides", "event_type", "deal_overrides", "earned", "net", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ROWS],
)
def test_reward_rules(
    program_overrides: dict[str, Any],
    event_type: DealEventType,
    deal_overrides: dict[str, Any],
    earned: frozenset[str],
    net: str,
    expected: list[tuple[str, str]],
) -> None:
    intents = reward_intents(make_program(**program_overrides), event_type, make_deal(**deal_overrides), earned, D(net))
    assert [(i.rule_key, i.amount) for i in intents] == [(key, D(amount)) for key, amount in expected]


def test_intents_carry_kind_and_stage() -> None:
    intents = reward_intents(
        make_program(),
        E.DEAL_CLOSED,
        make_deal(stage=Stage.CLOSED_WON, final_amount=D("1000.00")),
        THROUGH_PROPOSAL,
        D("0"),
    )
    assert [(i.kind, i.stage) for i in intents] == [
        (RewardKind.STAGE_BONUS, Stage.NEGOTIATION),
        (RewardKind.CLOSE_BONUS, None),
    ]
    clawback = reward_intents(make_program(), E.DEAL_REJECTED, make_deal(), REG, D("750.00"))
    assert [(i.kind, i.stage) for i in clawback] == [(RewardKind.CLAWBACK, None)]


def test_a_deal_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        reward_intents(make_program(), E.DEAL_REGISTERED, make_deal(currency="EUR"), frozenset(), D("0"))


def test_a_won_close_without_final_amount_is_refused() -> None:
    with pytest.raises(ValueError, match="final_amount"):
        reward_intents(make_program(), E.DEAL_CLOSED, make_deal(stage=Stage.CLOSED_WON), frozenset(), D("0"))


@pytest.mark.parametrize("field", ["margin_amount", "final_amount"])
def test_negative_deal_amounts_are_refused(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        make_deal(**{field: D("-0.01")})


def test_a_stage_given_as_a_string_is_read_as_the_stage() -> None:
    deal = make_deal(stage="closed_won", final_amount=D("100.00"))
    assert deal.stage is Stage.CLOSED_WON
    intents = reward_intents(make_program(stage_bonuses={}), E.DEAL_CLOSED, deal, REG, D("0"))
    assert [(i.rule_key, i.amount) for i in intents] == [("close", D("2.00"))]
    with pytest.raises(ValueError, match="won"):
        make_deal(stage="won")
