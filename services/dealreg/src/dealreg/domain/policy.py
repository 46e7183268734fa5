"""A vendor's approval policy: auto-approval, the approval SLA, protection and extensions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from events.vocabulary import DealStatus


class NewDeal(Protocol):
    """What auto-approval reads of a just-registered deal (a `deals.Deal`; deals.py imports this module)."""

    @property
    def conflict(self) -> bool: ...
    @property
    def status(self) -> DealStatus: ...
    @property
    def currency(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...


class SlaBreachAction(StrEnum):
    """What happens to a deal still pending when its approval SLA runs out."""

    ESCALATE = "escalate"  # stays pending; the overdue event alerts people
    AUTO_APPROVE = "auto_approve"
    AUTO_REJECT = "auto_reject"


@dataclass(frozen=True)
class ApprovalPolicy:
    """A vendor's policy. The defaults are what applies when a vendor has none.

    The contract fixes three defaults: nothing is auto-approved, the SLA is PT96H with
    `escalate`, protection is P90D. It leaves extensions open; without a policy we allow
    none (`max_extensions=0`), and `extension_period` is P30D for when a vendor raises
    `max_extensions` without naming a period.
    """

    # None: never auto-approve, whatever the tier.
    auto_approve_max_amount: Decimal | None = None
    auto_approve_tiers: frozenset[int] = field(default_factory=frozenset)
    approval_sla: timedelta = timedelta(hours=96)
    on_sla_breach: SlaBreachAction = SlaBreachAction.ESCALATE
    protection_period: timedelta = timedelta(days=90)
    max_extensions: int = 0
    extension_period: timedelta = timedelta(days=30)
    # An addition to the contract: when set, only deals in this currency are
    # auto-approved, since the amount ceiling means nothing across currencies.
    auto_approve_currency: str | None = None

    def __post_init__(self) -> None:
        if self.auto_approve_max_amount is not None and self.auto_approve_max_amount < 0:
            raise ValueError("auto_approve_max_amount must not be negative")
        if self.approval_sla <= timedelta(0):
            raise ValueError("approval_sla must be positive")
        if self.protection_period <= timedelta(0):
            raise ValueError("protection_period must be positive")
        if self.extension_period <= timedelta(0):
            raise ValueError("extension_period must be positive")
        if self.max_extensions < 0:
            raise ValueError("max_extensions must not be negative")


DEFAULT_POLICY = ApprovalPolicy()


def should_auto_approve(policy: ApprovalPolicy, deal: NewDeal, partner_tier: int | None) -> bool:
    """Whether a just-registered deal is approved in the registering request.

    Needs a ceiling (amount <= ceiling: the ceiling itself qualifies), the partner's
    tier among the policy's tiers, the policy's currency if it names one, and no
    conflict: a conflicting deal always waits for a person.
    """
    if policy.auto_approve_max_amount is None or partner_tier is None:
        return False
    if deal.conflict or deal.status is not DealStatus.PENDING_APPROVAL:
        return False
    if policy.auto_approve_currency is not None and deal.currency != policy.auto_approve_currency:
        return False
    return partner_tier in policy.auto_approve_tiers and deal.amount <= policy.auto_approve_max_amount


def approval_due_at(created_at: datetime, policy: ApprovalPolicy) -> datetime:
    """When a pending registration becomes overdue: registration time + the SLA."""
    return created_at + policy.approval_sla
