"""Use cases that work a deal: decision, stage, close, extend (locked row, If-Match, one event each)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters import repository
from dealreg.adapters.mapping import deal_from_row, policy_from_row, write_deal
from dealreg.domain import deals as rules
from dealreg.domain.deals import CloseOutcome, Deal, DealChange, DealStage, Decision, InvalidTransition
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.changes import record_changes
from events.topics import TopicNames
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal
from servicekit.problems import Problem, not_found

Transition = Callable[[Deal, ApprovalPolicy, datetime], DealChange]
Permit = Callable[[Principal, Deal], bool]


async def _act(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    deal_id: str,
    if_match: str | None,
    permit: Permit,
    forbidden: str,
    transition: Transition,
) -> Deal:
    row = await repository.lock_deal(session, deal_id)
    if row is None or not principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id):
        raise not_found("deal")
    deal = deal_from_row(row)
    if not permit(principal, deal):
        raise Problem(403, forbidden)
    check_if_match(if_match, deal.version)
    policy = policy_from_row(await repository.get_policy_row(session, deal.vendor_id))
    try:
        change = transition(deal, policy, datetime.now(UTC))
    except InvalidTransition as exc:
        raise Problem(409, str(exc), title="Invalid transition", type_="/problems/invalid-transition") from None
    write_deal(row, change.deal)
    # The deal's vendor's terms: a deal is registered only by a partner enrolled with its vendor.
    terms = await repository.deal_partner_terms(session, [(deal.partner_id, deal.vendor_id)])
    await record_changes(session, topics, terms[(deal.partner_id, deal.vendor_id)], [(change, principal.sub)])
    return change.deal


def _vendor_side(principal: Principal, deal: Deal) -> bool:
    return principal.acts_for_vendor(deal.vendor_id)


def _partner_side(principal: Principal, deal: Deal) -> bool:
    return principal.acts_for_partner(deal.partner_id)


def _either_side(principal: Principal, deal: Deal) -> bool:
    return _vendor_side(principal, deal) or _partner_side(principal, deal)


async def decide(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    deal_id: str,
    decision: str,
    reason: str | None,
    if_match: str | None,
) -> Deal:
    def transition(deal: Deal, policy: ApprovalPolicy, now: datetime) -> DealChange:
        return rules.decide(deal, Decision(decision), now=now, policy=policy, reason=reason, decided_by=principal.sub)

    return await _act(
        session, topics, principal, deal_id, if_match, _vendor_side,
        "Only the deal's vendor (or an admin) decides on a registration.", transition,
    )  # fmt: skip


async def advance_stage(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    deal_id: str,
    stage: str,
    note: str | None,
    if_match: str | None,
) -> Deal:
    def transition(deal: Deal, policy: ApprovalPolicy, now: datetime) -> DealChange:
        return rules.advance_stage(deal, DealStage(stage), now=now, note=note)

    return await _act(
        session, topics, principal, deal_id, if_match, _partner_side,
        "Only the registering partner (or an admin) moves a deal's stage.", transition,
    )  # fmt: skip


async def close(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    deal_id: str,
    outcome: str,
    final_amount: Decimal | None,
    closed_on: date | None,
    reason: str | None,
    if_match: str | None,
) -> Deal:
    def transition(deal: Deal, policy: ApprovalPolicy, now: datetime) -> DealChange:
        return rules.close_deal(
            deal, CloseOutcome(outcome), now=now, final_amount=final_amount, closed_on=closed_on, reason=reason
        )

    return await _act(
        session, topics, principal, deal_id, if_match, _partner_side,
        "Only the registering partner (or an admin) closes a deal.", transition,
    )  # fmt: skip


async def extend(
    session: AsyncSession, topics: TopicNames, principal: Principal, deal_id: str, if_match: str | None
) -> Deal:
    def transition(deal: Deal, policy: ApprovalPolicy, now: datetime) -> DealChange:
        return rules.extend_protection(deal, now=now, policy=policy)

    # The partner asks for more time; the vendor may grant it too.
    return await _act(
        session, topics, principal, deal_id, if_match, _either_side,
        "Only the deal's partner or vendor extends its protection.", transition,
    )  # fmt: skip
