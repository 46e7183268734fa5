"""Registering a deal: amounts, the approval SLA, duplicates, conflicts and auto-approval."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

import pytest
from dealreg_factories import T0, deal, draft

from dealreg.domain.conflicts import ConflictReason, MatchResult
from dealreg.domain.deals import DuplicateRegistration, LineItem
from dealreg.domain.policy import (
    DEFAULT_POLICY,
    ApprovalPolicy,
    SlaBreachAction,
    approval_due_at,
    should_auto_approve,
)
from dealreg.domain.registration import AUTO_APPROVAL_REASON, register_deal
from events.vocabulary import DealEventType, DealStage, DealStatus

NO_MATCH = MatchResult()
AUTO = ApprovalPolicy(auto_approve_max_amount=Decimal("25000.00"), auto_approve_tiers=frozenset({1, 2}))


def test_defaults_without_a_policy() -> None:
    assert DEFAULT_POLICY.auto_approve_max_amount is None
    assert DEFAULT_POLICY.approval_sla == timedelta(hours=96)
    assert DEFAULT_POLICY.on_sla_breach is SlaBreachAction.ESCALATE
    assert DEFAULT_POLICY.protection_period == timedelta(days=90)
    assert DEFAULT_POLICY.max_extensions == 0


def test_registration_creates_a_pending_deal_with_amounts_and_due_time() -> None:
    changes = register_deal(draft(), deal_id="d-9", now=T0, policy=DEFAULT_POLICY, partner_tier=1, match=NO_MATCH)
    assert [c.event_type for c in changes] == [DealEventType.DEAL_REGISTERED]
    created = changes[0].deal
    assert (created.id, created.status, created.stage) == ("d-9", DealStatus.PENDING_APPROVAL, DealStage.REGISTERED)
    assert (created.amount, created.margin_amount) == (Decimal("12000.00"), Decimal("3000.00"))
    assert created.approval_due_at == T0 + timedelta(hours=96)
    assert (created.version, created.created_at, created.updated_at) == (1, T0, T0)
    assert created.protection_expires_at is None
    assert (created.conflict, created.conflict_reasons, created.conflicting_deal_ids) == (False, (), ())


def test_margin_is_taken_on_the_rounded_amount() -> None:
    half_cent = draft(products=(LineItem(sku="X", quantity=1, unit_price=Decimal("0.005")),), margin_pct=Decimal(50))
    created = register_deal(half_cent, deal_id="d", now=T0, policy=DEFAULT_POLICY, partner_tier=1, match=NO_MATCH)
    assert (created[0].deal.amount, created[0].deal.margin_amount) == (Decimal("0.01"), Decimal("0.01"))


def test_policy_sla_sets_the_due_time() -> None:
    policy = ApprovalPolicy(approval_sla=timedelta(hours=48))
    assert approval_due_at(T0, policy) == T0 + timedelta(hours=48)
    created = register_deal(draft(), deal_id="d", now=T0, policy=policy, partner_tier=3, match=NO_MATCH)
    assert created[0].deal.approval_due_at == T0 + timedelta(hours=48)


def test_duplicate_is_refused_with_the_existing_deal_id() -> None:
    with pytest.raises(DuplicateRegistration) as refused:
        register_deal(
            draft(),
            deal_id="d-2",
            now=T0,
            policy=AUTO,
            partner_tier=1,
            match=MatchResult(duplicate_of="d-1", reasons=(ConflictReason.SAME_CUSTOMER_DOMAIN,)),
        )
    assert refused.value.existing_deal_id == "d-1"
    assert "d-1" in str(refused.value)


def test_conflict_is_registered_flagged_and_never_auto_approved() -> None:
    match = MatchResult(
        conflicting_deal_ids=("d-7", "d-8"),
        reasons=(ConflictReason.SAME_CUSTOMER_NAME, ConflictReason.PRODUCT_OVERLAP),
    )
    changes = register_deal(draft(), deal_id="d-9", now=T0, policy=AUTO, partner_tier=1, match=match)
    assert [c.event_type for c in changes] == [DealEventType.DEAL_REGISTERED]
    flagged = changes[0].deal
    assert flagged.status is DealStatus.PENDING_APPROVAL
    assert flagged.conflict
    assert flagged.conflict_reasons == ("same_customer_name", "product_overlap")
    assert flagged.conflicting_deal_ids == ("d-7", "d-8")


def test_auto_approval_approves_in_the_same_registration() -> None:
    changes = register_deal(draft(), deal_id="d-9", now=T0, policy=AUTO, partner_tier=2, match=NO_MATCH)
    assert [c.event_type for c in changes] == [DealEventType.DEAL_REGISTERED, DealEventType.DEAL_APPROVED]
    approved = changes[-1].deal
    assert approved.status is DealStatus.APPROVED
    assert approved.protection_expires_at == T0 + timedelta(days=90)
    assert approved.decision_reason == AUTO_APPROVAL_REASON
    assert approved.version == 2


@pytest.mark.parametrize(
    ("policy", "amount", "tier", "conflict", "currency", "expected"),
    [
        (AUTO, "25000.00", 1, False, "USD", True),  # the ceiling itself qualifies
        (AUTO, "24999.99", 2, False, "USD", True),
        (AUTO, "25000.01", 1, False, "USD", False),  # one cent over
        (AUTO, "100.00", 3, False, "USD", False),  # tier not listed
        (AUTO, "100.00", None, False, "USD", False),  # tier unknown
        (AUTO, "100.00", 1, True, "USD", False),  # conflict
        (DEFAULT_POLICY, "0.00", 1, False, "USD", False),  # no policy: nothing auto-approved
        (replace(AUTO, auto_approve_tiers=frozenset()), "1.00", 1, False, "USD", False),
        (replace(AUTO, auto_approve_currency="USD"), "1.00", 1, False, "EUR", False),
        (replace(AUTO, auto_approve_currency="USD"), "1.00", 1, False, "USD", True),
        (replace(AUTO, auto_approve_max_amount=Decimal(0)), "0.00", 1, False, "USD", True),
    ],
)
def test_auto_approval_boundaries(
    policy: ApprovalPolicy, amount: str, tier: int | None, conflict: bool, currency: str, expected: bool
) -> None:
    candidate = deal(amount=Decimal(amount), conflict=conflict, currency=currency)
    assert should_auto_approve(policy, candidate, tier) is expected


def test_only_a_pending_deal_is_auto_approved() -> None:
    assert not should_auto_approve(AUTO, deal(DealStatus.REJECTED, amount=Decimal("1.00")), 1)


@pytest.mark.parametrize(
    "bad",
    [
        {"auto_approve_max_amount": Decimal("-0.01")},
        {"approval_sla": timedelta(0)},
        {"protection_period": timedelta(seconds=-1)},
        {"extension_period": timedelta(0)},
        {"max_extensions": -1},
    ],
)
def test_policy_refuses_impossible_values(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="must"):
        ApprovalPolicy(**bad)  # type: ignore[arg-type]
