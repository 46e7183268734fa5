"""Use cases that work a deal: decision, stage, close, extend (locked row, If-Match, one event each)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from dealreg.domain import deals as rules
from dealreg.domain.deals import Deal, DealChange, Decision, InvalidTransition
from dealreg.domain.policy import DEFAULT_POLICY, ApprovalPolicy
from dealreg.service.changes import record_changes
from dealreg.service.ports import DealStore
from events.topics import TopicNames
from events.vocabulary import DealStage, Outcome
from servicekit.errors import Conflict, Forbidden, NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal

Transition = Callable[[Deal, ApprovalPolicy, datetime], DealChange]
Permit = Callable[[Principal, Deal], bool]


async def _act(
    store: DealStore,
    topics: TopicNames,
    principal: Principal,
    deal_id: str,
    if_match: str | None,
    permit: Permit,
    forbidden: str,
    transition: Transition,
) -> Deal:
    deal = await store.lock_deal(deal_id)
    if deal is None or not principal.sees(vendor_id=deal.vendor_id, partner_id=deal.partner_id):
        raise NotFound("deal")
    if not permit(principal, deal):
        raise Forbidden(forbidden)
    check_if_match(if_match, deal.version)
    stored = await store.policy(deal.vendor_id)
    policy = stored.policy if stored is not None else DEFAULT_POLICY
    try:
        change = transition(deal, policy, datetime.now(UTC))
    except InvalidTransition as exc:
        raise Conflict(str(exc), title="Invalid transition", type_="/problems/invalid-transition") from None
    await store.save_deal(change.deal)
    # The deal's vendor's terms: a deal is registered only by a partner enrolled with its vendor.
    terms = await store.partner_terms([(deal.partner_id, deal.vendor_id)])
    await record_changes(store, topics, terms[(deal.partner_id, deal.vendor_id)], [(change, principal.sub)])
    return change.deal


def _vendor_side(principal: Principal, deal: Deal) -> bool:
    return principal.acts_for_vendor(deal.vendor_id)


def _partner_side(principal: Principal, deal: Deal) -> bool:
    return principal.acts_for_partner(deal.partner_id)


def _either_side(principal: Principal, deal: Deal) -> bool:
    return _vendor_side(principal, deal) or _partner_side(principal, deal)


async def decide(
    store: DealStore,
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
        store, topics, principal, deal_id, if_match, _vendor_side,
        "Only the deal's vendor (or an admin) decides on a registration.", transition,
    )  # fmt: skip


async def advance_stage(
    store: DealStore,
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
        store, topics, principal, deal_id, if_match, _partner_side,
        "Only the registering partner (or an admin) moves a deal's stage.", transition,
    )  # fmt: skip


async def close(
    store: DealStore,
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
            deal, Outcome(outcome), now=now, final_amount=final_amount, closed_on=closed_on, reason=reason
        )

    return await _act(
        store, topics, principal, deal_id, if_match, _partner_side,
        "Only the registering partner (or an admin) closes a deal.", transition,
    )  # fmt: skip


async def extend(
    store: DealStore, topics: TopicNames, principal: Principal, deal_id: str, if_match: str | None
) -> Deal:
    def transition(deal: Deal, policy: ApprovalPolicy, now: datetime) -> DealChange:
        return rules.extend_protection(deal, now=now, policy=policy)

    # The partner asks for more time; the vendor may grant it too.
    return await _act(
        store, topics, principal, deal_id, if_match, _either_side,
        "Only the deal's partner or vendor extends its protection.", transition,
    )  # fmt: skip
