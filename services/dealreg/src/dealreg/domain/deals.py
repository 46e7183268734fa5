"""A deal registration and its lifecycle: statuses, stages, money and every transition.

Each transition takes the deal and `now` (never a clock), and returns a `DealChange`:
the new deal (version + 1, updated_at = now) and the event type to publish on deals.v1.
A transition that the rules refuse raises `InvalidTransition` (the HTTP edge answers 409).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from dealreg.domain.policy import ApprovalPolicy, SlaBreachAction
from events.vocabulary import STAGE_RANK, DealEventType, DealStage, DealStatus, Outcome
from servicekit.money import percent_of, to_cents

# The stages `advance_stage` moves to; the closed stages are reached by `close_deal`.
WORKING_STAGES: frozenset[DealStage] = frozenset({DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION})


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


SLA_BREACH_REASON = "sla_breach"


class DealRuleError(Exception):
    """A request the deal rules refuse (base of the domain's errors)."""


class InvalidTransition(DealRuleError):
    """The deal's state does not allow the action (HTTP 409). `str()` is a user-facing detail."""

    def __init__(self, deal: Deal, action: str, why: str) -> None:
        self.deal_id = deal.id
        self.action = action
        self.status = deal.status
        self.stage = deal.stage
        super().__init__(f"cannot {action} deal {deal.id}: {why}")


class DuplicateRegistration(DealRuleError):
    """The same partner already holds an active registration for this customer and product (409)."""

    def __init__(self, existing_deal_id: str) -> None:
        self.existing_deal_id = existing_deal_id
        super().__init__(
            "this partner already holds an active registration with this vendor for the same "
            f"customer and an overlapping product: deal {existing_deal_id}"
        )


@dataclass(frozen=True)
class Rep:
    id: str
    email: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Customer:
    name: str
    domain: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class LineItem:
    sku: str
    quantity: int
    unit_price: Decimal

    @property
    def line_total(self) -> Decimal:
        return self.quantity * self.unit_price


def normalize_sku(sku: str) -> str:
    """SKUs compare trimmed and case-insensitively ("fw-500 " is "FW-500")."""
    return sku.strip().casefold()


def deal_amount(products: Iterable[LineItem]) -> Decimal:
    """Sum of quantity x unit_price, rounded once, half-up, to cents."""
    return to_cents(sum((item.line_total for item in products), Decimal(0)))


def margin_amount(amount: Decimal, margin_pct: Decimal) -> Decimal:
    """amount x margin_pct / 100, half-up to cents."""
    return to_cents(percent_of(amount, margin_pct))


@dataclass(frozen=True, kw_only=True)
class DealRequest:
    """What a registration request says of the deal itself, once the edge has parsed and validated it."""

    vendor_id: str
    customer: Customer
    products: tuple[LineItem, ...]
    currency: str
    margin_pct: Decimal
    expected_close_date: date | None = None
    external_ref: str | None = None
    notes: str | None = None


@dataclass(frozen=True, kw_only=True)
class DealDraft(DealRequest):
    """A registration ready to be decided: the deal, the partner registering it and its rep."""

    partner_id: str
    rep: Rep


@dataclass(frozen=True)
class Deal:
    """A deal registration, holding what the contract's deal JSON shows (and a little more)."""

    id: str
    vendor_id: str
    partner_id: str
    rep: Rep
    customer: Customer
    products: tuple[LineItem, ...]
    currency: str
    amount: Decimal
    margin_pct: Decimal
    margin_amount: Decimal
    status: DealStatus
    stage: DealStage
    approval_due_at: datetime
    created_at: datetime
    updated_at: datetime
    version: int = 1
    expected_close_date: date | None = None
    external_ref: str | None = None
    notes: str | None = None
    conflict: bool = False
    conflict_reasons: tuple[str, ...] = ()
    # Visible to the vendor only; the edge hides them from partners.
    conflicting_deal_ids: tuple[str, ...] = ()
    protection_expires_at: datetime | None = None
    extensions_used: int = 0
    # The decision (by a person, the policy, or the SLA breach rule).
    decided_at: datetime | None = None
    decided_by: str | None = None
    decision_reason: str | None = None
    # Set when deal-approval-overdue was signalled: it is signalled once.
    approval_overdue_at: datetime | None = None
    expired_at: datetime | None = None
    # Closing.
    final_amount: Decimal | None = None
    closed_on: date | None = None
    closed_at: datetime | None = None
    close_reason: str | None = None


@dataclass(frozen=True)
class DealChange:
    """One change of a deal: the deal after it, the event to publish, and history data."""

    deal: Deal
    event_type: DealEventType
    data: Mapping[str, str | None] = field(default_factory=dict)


def _require_aware(now: datetime) -> None:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (UTC)")


def _changed(deal: Deal, now: datetime, **changes: object) -> Deal:
    return replace(deal, **changes, updated_at=now, version=deal.version + 1)  # type: ignore[arg-type]


def is_protection_lapsed(deal: Deal, now: datetime) -> bool:
    """An approved deal's protection has run out (it is due to expire)."""
    return (
        deal.status is DealStatus.APPROVED
        and deal.protection_expires_at is not None
        and now >= deal.protection_expires_at
    )


def is_approval_overdue(deal: Deal, now: datetime) -> bool:
    """A pending deal past its approval SLA whose overdue has not been signalled yet."""
    return (
        deal.status is DealStatus.PENDING_APPROVAL and deal.approval_overdue_at is None and now >= deal.approval_due_at
    )


def _require_pending(deal: Deal, action: str) -> None:
    if deal.status is not DealStatus.PENDING_APPROVAL:
        raise InvalidTransition(
            deal, action, f"it is {deal.status}; only a pending_approval deal can be approved or rejected"
        )


def _require_protected(deal: Deal, action: str, now: datetime) -> None:
    """Approved, and its protection has not lapsed (the scheduler may not have expired it yet)."""
    if deal.status is not DealStatus.APPROVED:
        raise InvalidTransition(deal, action, f"it is {deal.status}; only an approved deal can be worked")
    if is_protection_lapsed(deal, now):
        raise InvalidTransition(deal, action, f"its protection expired at {deal.protection_expires_at}")


def approve(
    deal: Deal,
    *,
    now: datetime,
    policy: ApprovalPolicy,
    reason: str | None = None,
    decided_by: str | None = None,
) -> DealChange:
    """pending_approval -> approved; protection runs from now for the policy's protection period."""
    _require_aware(now)
    _require_pending(deal, "approve")
    approved = _changed(
        deal,
        now,
        status=DealStatus.APPROVED,
        protection_expires_at=now + policy.protection_period,
        decided_at=now,
        decided_by=decided_by,
        decision_reason=reason,
    )
    return DealChange(approved, DealEventType.DEAL_APPROVED, {"reason": reason, "decided_by": decided_by})


def reject(deal: Deal, *, now: datetime, reason: str | None = None, decided_by: str | None = None) -> DealChange:
    """pending_approval -> rejected."""
    _require_aware(now)
    _require_pending(deal, "reject")
    rejected = _changed(
        deal,
        now,
        status=DealStatus.REJECTED,
        decided_at=now,
        decided_by=decided_by,
        decision_reason=reason,
    )
    return DealChange(rejected, DealEventType.DEAL_REJECTED, {"reason": reason, "decided_by": decided_by})


def decide(
    deal: Deal,
    decision: Decision,
    *,
    now: datetime,
    policy: ApprovalPolicy,
    reason: str | None = None,
    decided_by: str | None = None,
) -> DealChange:
    """A vendor's decision: approve or reject a pending deal."""
    if decision is Decision.APPROVE:
        return approve(deal, now=now, policy=policy, reason=reason, decided_by=decided_by)
    return reject(deal, now=now, reason=reason, decided_by=decided_by)


def advance_stage(deal: Deal, stage: DealStage, *, now: datetime, note: str | None = None) -> DealChange:
    """Move an approved deal forward to qualified, proposal or negotiation (skips allowed)."""
    _require_aware(now)
    action = f"advance to stage {stage}"
    if stage not in WORKING_STAGES:
        raise InvalidTransition(
            deal, action, "a deal reaches closed_won or closed_lost by being closed, not by a stage change"
        )
    _require_protected(deal, action, now)
    if STAGE_RANK[stage] <= STAGE_RANK[deal.stage]:
        raise InvalidTransition(deal, action, f"it is already at {deal.stage}; stages only move forward")
    advanced = _changed(deal, now, stage=stage)
    return DealChange(advanced, DealEventType.STAGE_ADVANCED, {"from": deal.stage, "to": stage, "note": note})


def close_deal(
    deal: Deal,
    outcome: Outcome,
    *,
    now: datetime,
    final_amount: Decimal | None = None,
    closed_on: date | None = None,
    reason: str | None = None,
) -> DealChange:
    """Close an approved deal as won or lost: stage closed_won/closed_lost, status closed.

    Without a final amount a won deal keeps its registered amount; a lost one has none.
    Without `closed_on` the deal closes on `now`'s date.
    """
    _require_aware(now)
    _require_protected(deal, f"close ({outcome})", now)
    if final_amount is not None and final_amount < 0:
        raise ValueError("final_amount must not be negative")
    if final_amount is None and outcome is Outcome.WON:
        final_amount = deal.amount
    final = to_cents(final_amount) if final_amount is not None else None
    closed = _changed(
        deal,
        now,
        status=DealStatus.CLOSED,
        stage=DealStage.CLOSED_WON if outcome is Outcome.WON else DealStage.CLOSED_LOST,
        final_amount=final,
        closed_on=closed_on or now.date(),
        closed_at=now,
        close_reason=reason,
    )
    return DealChange(
        closed,
        DealEventType.DEAL_CLOSED,
        {
            "outcome": outcome,
            "final_amount": None if final is None else f"{final:.2f}",
            "closed_on": closed.closed_on.isoformat() if closed.closed_on else None,
            "reason": reason,
        },
    )


def extend_protection(deal: Deal, *, now: datetime, policy: ApprovalPolicy) -> DealChange:
    """Add the policy's extension period to an approved deal's protection, at most max_extensions times."""
    _require_aware(now)
    _require_protected(deal, "extend", now)
    if deal.extensions_used >= policy.max_extensions:
        raise InvalidTransition(
            deal,
            "extend",
            f"it has used {deal.extensions_used} of {policy.max_extensions} allowed extension(s)",
        )
    assert deal.protection_expires_at is not None  # an approved deal always has one
    new_expiry = deal.protection_expires_at + policy.extension_period
    extended = _changed(deal, now, protection_expires_at=new_expiry, extensions_used=deal.extensions_used + 1)
    return DealChange(
        extended,
        DealEventType.DEAL_EXTENDED,
        {"protection_expires_at": new_expiry.isoformat(), "extensions_used": str(extended.extensions_used)},
    )


def expire(deal: Deal, *, now: datetime) -> DealChange:
    """approved -> expired, once protection_expires_at has passed without a close."""
    _require_aware(now)
    if deal.status is not DealStatus.APPROVED:
        raise InvalidTransition(deal, "expire", f"it is {deal.status}; only an approved deal expires")
    if not is_protection_lapsed(deal, now):
        raise InvalidTransition(deal, "expire", f"its protection runs until {deal.protection_expires_at}")
    expired = _changed(deal, now, status=DealStatus.EXPIRED, expired_at=now)
    return DealChange(
        expired,
        DealEventType.DEAL_EXPIRED,
        {"protection_expires_at": deal.protection_expires_at.isoformat() if deal.protection_expires_at else None},
    )


def handle_sla_breach(deal: Deal, *, now: datetime, policy: ApprovalPolicy) -> list[DealChange]:
    """A pending deal past approval_due_at: signal deal-approval-overdue once, then apply on_sla_breach.

    escalate: the deal stays pending. auto_approve / auto_reject: it is approved or rejected
    with the reason "sla_breach" (a second change, a second event). A conflicting deal is
    never approved without a person, so for it auto_approve escalates instead.
    """
    _require_aware(now)
    if deal.status is not DealStatus.PENDING_APPROVAL:
        raise InvalidTransition(deal, "signal approval overdue", f"it is {deal.status}, not pending_approval")
    if deal.approval_overdue_at is not None:
        raise InvalidTransition(
            deal, "signal approval overdue", f"it was already signalled at {deal.approval_overdue_at}"
        )
    if now < deal.approval_due_at:
        raise InvalidTransition(deal, "signal approval overdue", f"approval is due at {deal.approval_due_at}")
    action = policy.on_sla_breach
    if action is SlaBreachAction.AUTO_APPROVE and deal.conflict:
        action = SlaBreachAction.ESCALATE
    overdue = _changed(deal, now, approval_overdue_at=now)
    changes = [
        DealChange(
            overdue,
            DealEventType.DEAL_APPROVAL_OVERDUE,
            {"approval_due_at": deal.approval_due_at.isoformat(), "action": action},
        )
    ]
    if action is SlaBreachAction.AUTO_APPROVE:
        changes.append(approve(overdue, now=now, policy=policy, reason=SLA_BREACH_REASON))
    elif action is SlaBreachAction.AUTO_REJECT:
        changes.append(reject(overdue, now=now, reason=SLA_BREACH_REASON))
    return changes
