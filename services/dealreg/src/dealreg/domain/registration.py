"""Registering a deal: the new deal, refused as a duplicate, flagged as a conflict, or auto-approved."""

from __future__ import annotations

from datetime import datetime

from dealreg.domain.conflicts import MatchResult
from dealreg.domain.deals import (
    Deal,
    DealChange,
    DealDraft,
    DuplicateRegistration,
    approve,
    deal_amount,
    margin_amount,
)
from dealreg.domain.policy import ApprovalPolicy, approval_due_at, should_auto_approve
from events.vocabulary import DealEventType, DealStage, DealStatus

AUTO_APPROVAL_REASON = "auto_approved_by_policy"


def new_deal(draft: DealDraft, *, deal_id: str, now: datetime, policy: ApprovalPolicy, match: MatchResult) -> Deal:
    """The pending deal a registration creates; raises DuplicateRegistration for a duplicate."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be a timezone-aware datetime (UTC)")
    if match.duplicate_of is not None:
        raise DuplicateRegistration(match.duplicate_of)
    amount = deal_amount(draft.products)
    return Deal(
        id=deal_id,
        vendor_id=draft.vendor_id,
        partner_id=draft.partner_id,
        rep=draft.rep,
        customer=draft.customer,
        products=draft.products,
        currency=draft.currency,
        amount=amount,
        margin_pct=draft.margin_pct,
        margin_amount=margin_amount(amount, draft.margin_pct),
        status=DealStatus.PENDING_APPROVAL,
        stage=DealStage.REGISTERED,
        approval_due_at=approval_due_at(now, policy),
        created_at=now,
        updated_at=now,
        version=1,
        expected_close_date=draft.expected_close_date,
        external_ref=draft.external_ref,
        notes=draft.notes,
        conflict=match.is_conflict,
        conflict_reasons=tuple(str(r) for r in match.reasons) if match.is_conflict else (),
        conflicting_deal_ids=match.conflicting_deal_ids,
    )


def register_deal(
    draft: DealDraft,
    *,
    deal_id: str,
    now: datetime,
    policy: ApprovalPolicy,
    partner_tier: int | None,
    match: MatchResult,
) -> list[DealChange]:
    """The changes a registration makes: deal-registered, then deal-approved if the policy auto-approves.

    The last change's deal is the one to store and answer with.
    """
    deal = new_deal(draft, deal_id=deal_id, now=now, policy=policy, match=match)
    changes = [DealChange(deal, DealEventType.DEAL_REGISTERED)]
    if should_auto_approve(policy, deal, partner_tier):
        changes.append(approve(deal, now=now, policy=policy, reason=AUTO_APPROVAL_REASON))
    return changes
