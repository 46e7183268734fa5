"""The deal state machine: which transitions each status allows, and what they change."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from dealreg_factories import T0, deal

from dealreg.domain.deals import (
    SLA_BREACH_REASON,
    Deal,
    DealChange,
    Decision,
    InvalidTransition,
    LineItem,
    advance_stage,
    close_deal,
    deal_amount,
    decide,
    expire,
    extend_protection,
    handle_sla_breach,
    is_approval_overdue,
    margin_amount,
)
from dealreg.domain.policy import ApprovalPolicy, SlaBreachAction
from events.vocabulary import DealEventType, DealStage, DealStatus
from events.vocabulary import Outcome as CloseOutcome

POLICY = ApprovalPolicy(max_extensions=1, extension_period=timedelta(days=30))
DURING_PROTECTION = T0 + timedelta(days=10)
AFTER_PROTECTION = T0 + timedelta(days=91)
AFTER_SLA = T0 + timedelta(hours=97)

Action = Callable[[Deal], list[DealChange]]

ACTIONS: dict[str, Action] = {
    "approve": lambda d: [decide(d, Decision.APPROVE, now=DURING_PROTECTION, policy=POLICY)],
    "reject": lambda d: [decide(d, Decision.REJECT, now=DURING_PROTECTION, policy=POLICY)],
    "advance": lambda d: [advance_stage(d, DealStage.NEGOTIATION, now=DURING_PROTECTION)],
    "close_won": lambda d: [close_deal(d, CloseOutcome.WON, now=DURING_PROTECTION)],
    "close_lost": lambda d: [close_deal(d, CloseOutcome.LOST, now=DURING_PROTECTION)],
    "extend": lambda d: [extend_protection(d, now=DURING_PROTECTION, policy=POLICY)],
    "expire": lambda d: [expire(d, now=AFTER_PROTECTION)],
    "sla_breach": lambda d: handle_sla_breach(d, now=AFTER_SLA, policy=POLICY),
}

# status, stage, and what each allowed action leaves behind: (event types, status, stage)
STARTS: dict[DealStatus, DealStage] = {
    DealStatus.PENDING_APPROVAL: DealStage.REGISTERED,
    DealStatus.APPROVED: DealStage.QUALIFIED,
    DealStatus.REJECTED: DealStage.REGISTERED,
    DealStatus.EXPIRED: DealStage.PROPOSAL,
    DealStatus.CLOSED: DealStage.CLOSED_WON,
}
P, A = DealStatus.PENDING_APPROVAL, DealStatus.APPROVED
ALLOWED: dict[tuple[DealStatus, str], tuple[tuple[DealEventType, ...], DealStatus, DealStage]] = {
    (P, "approve"): ((DealEventType.DEAL_APPROVED,), A, DealStage.REGISTERED),
    (P, "reject"): ((DealEventType.DEAL_REJECTED,), DealStatus.REJECTED, DealStage.REGISTERED),
    (P, "sla_breach"): ((DealEventType.DEAL_APPROVAL_OVERDUE,), P, DealStage.REGISTERED),
    (A, "advance"): ((DealEventType.STAGE_ADVANCED,), A, DealStage.NEGOTIATION),
    (A, "close_won"): ((DealEventType.DEAL_CLOSED,), DealStatus.CLOSED, DealStage.CLOSED_WON),
    (A, "close_lost"): ((DealEventType.DEAL_CLOSED,), DealStatus.CLOSED, DealStage.CLOSED_LOST),
    (A, "extend"): ((DealEventType.DEAL_EXTENDED,), A, DealStage.QUALIFIED),
    (A, "expire"): ((DealEventType.DEAL_EXPIRED,), DealStatus.EXPIRED, DealStage.QUALIFIED),
}

CASES = [(status, action) for status in DealStatus for action in ACTIONS]


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_every_transition_is_allowed_or_refused_by_status(status: DealStatus, action: str) -> None:
    before = deal(status, STARTS[status])
    expected = ALLOWED.get((status, action))
    if expected is None:
        with pytest.raises(InvalidTransition) as refused:
            ACTIONS[action](before)
        assert before.id in str(refused.value)
        return
    changes = ACTIONS[action](before)
    events, after_status, after_stage = expected
    assert tuple(c.event_type for c in changes) == events
    after = changes[-1].deal
    assert (after.status, after.stage) == (after_status, after_stage)
    assert after.version == before.version + len(changes)
    assert after.updated_at > before.updated_at


def test_refusal_says_why() -> None:
    with pytest.raises(InvalidTransition, match=r"cannot approve deal d-1: it is rejected"):
        decide(deal(DealStatus.REJECTED), Decision.APPROVE, now=T0, policy=POLICY)


def test_approval_starts_protection_at_decision_time() -> None:
    change = decide(deal(), Decision.APPROVE, now=DURING_PROTECTION, policy=POLICY, reason="ok", decided_by="v-1")
    assert change.deal.protection_expires_at == DURING_PROTECTION + timedelta(days=90)
    assert (change.deal.decided_at, change.deal.decided_by, change.deal.decision_reason) == (
        DURING_PROTECTION,
        "v-1",
        "ok",
    )
    assert change.data["reason"] == "ok"


def test_rejection_keeps_the_reason_and_gives_no_protection() -> None:
    change = decide(deal(), Decision.REJECT, now=T0, policy=POLICY, reason="customer is house account")
    assert change.deal.decision_reason == "customer is house account"
    assert change.deal.protection_expires_at is None


S = DealStage


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        (S.REGISTERED, S.QUALIFIED, True),
        (S.REGISTERED, S.PROPOSAL, True),  # skip
        (S.REGISTERED, S.NEGOTIATION, True),  # skip two
        (S.QUALIFIED, S.NEGOTIATION, True),
        (S.PROPOSAL, S.NEGOTIATION, True),
        (S.QUALIFIED, S.QUALIFIED, False),  # not forward
        (S.PROPOSAL, S.QUALIFIED, False),  # backward
        (S.NEGOTIATION, S.PROPOSAL, False),
        (S.QUALIFIED, S.REGISTERED, False),
        (S.REGISTERED, S.CLOSED_WON, False),  # closing is close_deal's job
        (S.NEGOTIATION, S.CLOSED_LOST, False),
    ],
)
def test_stages_move_forward_only_with_skips(current: DealStage, target: DealStage, allowed: bool) -> None:
    approved = deal(DealStatus.APPROVED, current)
    if not allowed:
        with pytest.raises(InvalidTransition):
            advance_stage(approved, target, now=DURING_PROTECTION)
        return
    change = advance_stage(approved, target, now=DURING_PROTECTION, note="demo done")
    assert change.deal.stage is target
    assert change.data == {"from": current, "to": target, "note": "demo done"}


@pytest.mark.parametrize(
    ("outcome", "final_amount", "stage", "expected_final"),
    [
        (CloseOutcome.WON, Decimal("11500.00"), DealStage.CLOSED_WON, Decimal("11500.00")),
        (CloseOutcome.WON, None, DealStage.CLOSED_WON, Decimal("12000.00")),  # the registered amount
        (CloseOutcome.WON, Decimal("11500.005"), DealStage.CLOSED_WON, Decimal("11500.01")),  # half-up
        (CloseOutcome.LOST, None, DealStage.CLOSED_LOST, None),
        (CloseOutcome.LOST, Decimal("0"), DealStage.CLOSED_LOST, Decimal("0.00")),
    ],
)
def test_close_sets_outcome_stage_and_final_amount(
    outcome: CloseOutcome, final_amount: Decimal | None, stage: DealStage, expected_final: Decimal | None
) -> None:
    change = close_deal(
        deal(DealStatus.APPROVED, DealStage.NEGOTIATION),
        outcome,
        now=DURING_PROTECTION,
        final_amount=final_amount,
        closed_on=date(2026, 3, 10),
        reason="signed",
    )
    closed = change.deal
    assert (closed.status, closed.stage, closed.final_amount) == (DealStatus.CLOSED, stage, expected_final)
    assert closed.closed_on == date(2026, 3, 10)
    assert closed.closed_at == DURING_PROTECTION
    assert change.data["outcome"] == outcome


def test_close_without_a_date_closes_today() -> None:
    closed = close_deal(deal(DealStatus.APPROVED), CloseOutcome.WON, now=DURING_PROTECTION).deal
    assert closed.closed_on == DURING_PROTECTION.date()


def test_close_refuses_a_negative_final_amount() -> None:
    with pytest.raises(ValueError, match="negative"):
        close_deal(deal(DealStatus.APPROVED), CloseOutcome.WON, now=DURING_PROTECTION, final_amount=Decimal("-1"))


def test_extensions_add_the_period_up_to_the_maximum() -> None:
    approved = deal(DealStatus.APPROVED)
    first = extend_protection(approved, now=DURING_PROTECTION, policy=POLICY)
    assert first.deal.protection_expires_at == T0 + timedelta(days=120)
    assert first.deal.extensions_used == 1
    assert first.data == {"protection_expires_at": (T0 + timedelta(days=120)).isoformat(), "extensions_used": "1"}
    with pytest.raises(InvalidTransition, match="used 1 of 1"):
        extend_protection(first.deal, now=DURING_PROTECTION, policy=POLICY)


def test_two_extensions_when_the_policy_allows_two() -> None:
    policy = ApprovalPolicy(max_extensions=2, extension_period=timedelta(days=15))
    once = extend_protection(deal(DealStatus.APPROVED), now=DURING_PROTECTION, policy=policy).deal
    twice = extend_protection(once, now=DURING_PROTECTION, policy=policy).deal
    assert twice.protection_expires_at == T0 + timedelta(days=120)
    assert twice.version == once.version + 1


def test_without_a_policy_no_extension_is_allowed() -> None:
    with pytest.raises(InvalidTransition, match="used 0 of 0"):
        extend_protection(deal(DealStatus.APPROVED), now=DURING_PROTECTION, policy=ApprovalPolicy())


def test_expiry_happens_at_protection_end_not_before() -> None:
    approved = deal(DealStatus.APPROVED)
    end = approved.protection_expires_at
    assert end is not None
    with pytest.raises(InvalidTransition, match="protection runs until"):
        expire(approved, now=end - timedelta(seconds=1))
    expired = expire(approved, now=end)
    assert expired.deal.status is DealStatus.EXPIRED
    assert expired.deal.expired_at == end


def test_extension_moves_the_expiry() -> None:
    extended = extend_protection(deal(DealStatus.APPROVED), now=DURING_PROTECTION, policy=POLICY).deal
    with pytest.raises(InvalidTransition):
        expire(extended, now=AFTER_PROTECTION)  # day 91 < day 120
    assert expire(extended, now=T0 + timedelta(days=120)).deal.status is DealStatus.EXPIRED


@pytest.mark.parametrize(
    "act",
    [
        lambda d: advance_stage(d, DealStage.PROPOSAL, now=AFTER_PROTECTION),
        lambda d: close_deal(d, CloseOutcome.WON, now=AFTER_PROTECTION),
        lambda d: extend_protection(d, now=AFTER_PROTECTION, policy=POLICY),
    ],
    ids=["advance", "close", "extend"],
)
def test_lapsed_protection_refuses_work_before_the_scheduler_expires_it(
    act: Callable[[Deal], DealChange],
) -> None:
    with pytest.raises(InvalidTransition, match="protection expired"):
        act(deal(DealStatus.APPROVED))


@pytest.mark.parametrize(
    ("action", "conflict", "statuses", "final_status", "reason"),
    [
        (SlaBreachAction.ESCALATE, False, 1, DealStatus.PENDING_APPROVAL, None),
        (SlaBreachAction.AUTO_APPROVE, False, 2, DealStatus.APPROVED, SLA_BREACH_REASON),
        (SlaBreachAction.AUTO_REJECT, False, 2, DealStatus.REJECTED, SLA_BREACH_REASON),
        (SlaBreachAction.AUTO_REJECT, True, 2, DealStatus.REJECTED, SLA_BREACH_REASON),
        # a conflicting deal is never approved without a person: it escalates instead
        (SlaBreachAction.AUTO_APPROVE, True, 1, DealStatus.PENDING_APPROVAL, None),
    ],
)
def test_sla_breach_signals_once_then_applies_the_policy(
    action: SlaBreachAction, conflict: bool, statuses: int, final_status: DealStatus, reason: str | None
) -> None:
    policy = ApprovalPolicy(on_sla_breach=action)
    pending = deal(conflict=conflict)
    changes = handle_sla_breach(pending, now=AFTER_SLA, policy=policy)
    assert len(changes) == statuses
    assert changes[0].event_type is DealEventType.DEAL_APPROVAL_OVERDUE
    assert changes[0].data["approval_due_at"] == pending.approval_due_at.isoformat()
    final = changes[-1].deal
    assert final.status is final_status
    assert final.decision_reason == reason
    assert final.approval_overdue_at == AFTER_SLA
    if final_status is DealStatus.APPROVED:
        assert final.protection_expires_at == AFTER_SLA + policy.protection_period


def test_overdue_is_signalled_once() -> None:
    escalated = handle_sla_breach(deal(), now=AFTER_SLA, policy=POLICY)[-1].deal
    assert not is_approval_overdue(escalated, AFTER_SLA + timedelta(hours=1))
    with pytest.raises(InvalidTransition, match="already signalled"):
        handle_sla_breach(escalated, now=AFTER_SLA + timedelta(hours=1), policy=POLICY)
    # the vendor can still decide on an escalated deal
    assert decide(escalated, Decision.APPROVE, now=AFTER_SLA, policy=POLICY).deal.status is DealStatus.APPROVED


def test_sla_is_not_breached_before_the_due_time() -> None:
    pending = deal()
    assert not is_approval_overdue(pending, pending.approval_due_at - timedelta(seconds=1))
    assert is_approval_overdue(pending, pending.approval_due_at)
    with pytest.raises(InvalidTransition, match="approval is due at"):
        handle_sla_breach(pending, now=pending.approval_due_at - timedelta(seconds=1), policy=POLICY)


def test_naive_time_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        decide(deal(), Decision.APPROVE, now=datetime(2026, 3, 2, 9, 0), policy=POLICY)


def item(quantity: int, unit_price: str) -> LineItem:
    return LineItem(sku="X", quantity=quantity, unit_price=Decimal(unit_price))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([item(10, "1200.00")], "12000.00"),
        ([item(2, "10.125"), item(1, "0.01")], "20.26"),
        ([item(3, "0.335")], "1.01"),  # 1.005: exactly half a cent rounds up
        ([item(1, "0.0049")], "0.00"),  # just under half a cent rounds down
        ([item(1, "0.004"), item(1, "0.004")], "0.01"),  # rounded once, on the sum
        ([item(1, "0")], "0.00"),
    ],
)
def test_amount_is_the_sum_of_lines_half_up_to_cents(lines: list[LineItem], expected: str) -> None:
    assert deal_amount(lines) == Decimal(expected)


@pytest.mark.parametrize(
    ("amount", "pct", "expected"),
    [
        ("12000.00", "25", "3000.00"),
        ("0.10", "5", "0.01"),  # 0.005: half a cent rounds up
        ("0.10", "4.9", "0.00"),  # 0.0049
        ("100.01", "50", "50.01"),  # 50.005
        ("100.03", "50", "50.02"),  # 50.015
        ("12000.00", "12.345", "1481.40"),
        ("999.99", "100", "999.99"),
        ("999.99", "0", "0.00"),
    ],
)
def test_margin_is_a_percentage_of_the_amount_half_up(amount: str, pct: str, expected: str) -> None:
    assert margin_amount(Decimal(amount), Decimal(pct)) == Decimal(expected)
