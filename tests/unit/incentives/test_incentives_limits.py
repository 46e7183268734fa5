from __future__ import annotations

from decimal import Decimal

import pytest
from incentives_factories import make_deal, make_program

from events.vocabulary import DealEventType
from events.vocabulary import DealStage as Stage
from incentives.domain.accrual import Accrual, DealRewardState, accrue_event
from incentives.domain.limits import CutReason, apply_limits
from incentives.domain.rules import RewardKind

D = Decimal
CAP = CutReason.CAP_PER_DEAL
BUDGET = CutReason.BUDGET_EXHAUSTED


@pytest.mark.parametrize(
    ("amount", "so_far", "cap", "budget", "granted", "cut", "reason"),
    [
        ("100.00", "0", "5000.00", "1000.00", "100.00", "0", None),
        # the cap, at and around the boundary
        ("100.00", "4900.00", "5000.00", "100000.00", "100.00", "0", None),
        ("100.00", "4900.01", "5000.00", "100000.00", "99.99", "0.01", CAP),
        ("100.00", "5000.00", "5000.00", "100000.00", "0.00", "100.00", CAP),
        ("100.00", "6000.00", "5000.00", "100000.00", "0.00", "100.00", CAP),  # already over: nothing, never negative
        ("0.01", "4999.99", "5000.00", "100000.00", "0.01", "0", None),
        # the budget, at and around the boundary
        ("100.00", "0", "5000.00", "100.00", "100.00", "0", None),
        ("100.00", "0", "5000.00", "99.99", "99.99", "0.01", BUDGET),
        ("100.00", "0", "5000.00", "0.00", "0.00", "100.00", BUDGET),
        ("100.00", "0", "5000.00", "-5.00", "0.00", "100.00", BUDGET),
        ("100.00", "0", None, "40.00", "40.00", "60.00", BUDGET),  # uncapped program
        ("100.00", "0", None, "100000.00", "100.00", "0", None),
        # both bind: the tighter one is the reason; a tie names the cap
        ("100.00", "4950.00", "5000.00", "30.00", "30.00", "70.00", BUDGET),
        ("100.00", "4970.00", "5000.00", "50.00", "30.00", "70.00", CAP),
        ("100.00", "4960.00", "5000.00", "40.00", "40.00", "60.00", CAP),
        ("0.00", "5000.00", "5000.00", "0.00", "0.00", "0", None),  # nothing asked, nothing cut
    ],
)
def test_apply_limits(
    amount: str, so_far: str, cap: str | None, budget: str, granted: str, cut: str, reason: CutReason | None
) -> None:
    result = apply_limits(D(amount), D(so_far), None if cap is None else D(cap), D(budget))
    assert result == (D(granted), D(cut), reason)
    assert result.granted + result.cut == D(amount)


@pytest.mark.parametrize("amount", ["2.505", "-1.00"])
def test_unrounded_or_negative_rewards_are_refused(amount: str) -> None:
    with pytest.raises(ValueError, match=r"round|reversal"):
        apply_limits(D(amount), D(0), D("5000.00"), D("100.00"))


def test_a_cap_inside_one_event_cuts_the_later_stages() -> None:
    program = make_program(cap_per_deal=D("900.00"))
    state = DealRewardState(frozenset({"registration"}), D("750.00"))
    accruals = accrue_event(
        program, DealEventType.STAGE_ADVANCED, make_deal(stage=Stage.NEGOTIATION), state, D("100000.00")
    )
    assert [(a.rule_key, a.granted, a.cut, a.cut_reason) for a in accruals] == [
        ("stage:qualified", D("50.00"), D("0.00"), None),
        ("stage:proposal", D("100.00"), D("0.00"), None),  # 750 + 50 + 100 = 900, exactly the cap
        ("stage:negotiation", D("0.00"), D("150.00"), CAP),
    ]
    assert state.after(accruals) == DealRewardState(
        frozenset({"registration", "stage:qualified", "stage:proposal", "stage:negotiation"}), D("900.00")
    )


def test_the_budget_runs_out_mid_event() -> None:
    accruals = accrue_event(
        make_program(), DealEventType.STAGE_ADVANCED, make_deal(stage=Stage.PROPOSAL), DealRewardState(), D("120.00")
    )
    assert [(a.granted, a.cut, a.cut_reason) for a in accruals] == [
        (D("50.00"), D("0.00"), None),
        (D("70.00"), D("30.00"), BUDGET),
    ]


def test_a_reward_cut_to_zero_is_still_earned_once() -> None:
    program = make_program()
    first = accrue_event(program, DealEventType.DEAL_REGISTERED, make_deal(), DealRewardState(), D("0.00"))
    assert first == [
        Accrual("registration", RewardKind.REGISTRATION, None, D("750.00"), D("0.00"), D("750.00"), BUDGET)
    ]
    state = DealRewardState().after(first)
    assert accrue_event(program, DealEventType.DEAL_REGISTERED, make_deal(), state, D("100000.00")) == []


def test_clawback_reverses_the_granted_net_and_ignores_limits() -> None:
    state = DealRewardState(frozenset({"registration"}), D("500.00"))  # 750 earned, 250 cut by budget
    accruals = accrue_event(make_program(), DealEventType.DEAL_REJECTED, make_deal(), state, D("0.00"))
    assert accruals == [Accrual("clawback", RewardKind.CLAWBACK, None, D("-500.00"), D("-500.00"))]
    assert state.after(accruals).net_granted == 0
