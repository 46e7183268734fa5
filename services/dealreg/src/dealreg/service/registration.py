"""Use case: register a deal (validated, matched, maybe auto-approved, events in the outbox, one transaction)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters import repository
from dealreg.adapters.mapping import new_deal_row, policy_from_row, registration_from_row
from dealreg.adapters.tables import PartnerRow
from dealreg.api.schemas import DealCreate
from dealreg.domain import registration as domain_registration
from dealreg.domain.conflicts import classify_registration, registration_from_draft
from dealreg.domain.deals import Customer, Deal, DealDraft, DealEventType, DuplicateRegistration, LineItem, Rep
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.changes import POLICY_ACTOR, record_changes
from events.topics import TopicNames
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, validation_problem


def resolve_partner_id(principal: Principal, requested: str | None, loc: tuple[str | int, ...] = ("body",)) -> str:
    if principal.role is Role.PARTNER:
        assert principal.partner_id is not None
        if requested is not None and requested != principal.partner_id:
            raise Problem(403, "partner_id must be your own partner.")
        return principal.partner_id
    if principal.role is Role.AGGREGATOR:
        if requested is None:
            raise validation_problem([{"loc": [*loc, "partner_id"], "msg": "Field required for an aggregator"}])
        if requested not in principal.partner_ids:
            raise Problem(403, f"You do not act for partner {requested!r}.")
        return requested
    if principal.role is Role.ADMIN:
        if requested is None:
            raise validation_problem([{"loc": [*loc, "partner_id"], "msg": "Field required"}])
        return requested
    raise Problem(403, "Only partners, aggregators and admins register deals.")


def draft_from_body(body: DealCreate, partner_id: str, principal: Principal) -> DealDraft:
    rep = Rep(**body.rep.model_dump()) if body.rep else Rep(id=principal.sub)
    return DealDraft(
        vendor_id=body.vendor_id,
        partner_id=partner_id,
        rep=rep,
        customer=Customer(**body.customer.model_dump()),
        products=tuple(LineItem(sku=p.sku, quantity=p.quantity, unit_price=p.unit_price) for p in body.products),
        currency=body.currency,
        margin_pct=body.margin_pct,
        expected_close_date=body.expected_close_date,
        external_ref=body.external_ref,
        notes=body.notes,
    )


class Lookups:
    """Partner profiles and vendor policies read once per request (a batch reuses them for every item)."""

    def __init__(self) -> None:
        self._partners: dict[str, PartnerRow | None] = {}
        self._policies: dict[str, ApprovalPolicy] = {}

    async def partner(self, session: AsyncSession, partner_id: str) -> PartnerRow | None:
        if partner_id not in self._partners:
            self._partners[partner_id] = await session.get(PartnerRow, partner_id)
        return self._partners[partner_id]

    async def policy(self, session: AsyncSession, vendor_id: str) -> ApprovalPolicy:
        if vendor_id not in self._policies:
            self._policies[vendor_id] = policy_from_row(await repository.get_policy_row(session, vendor_id))
        return self._policies[vendor_id]


async def register_deal(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    body: DealCreate,
    now: datetime | None = None,
    loc: tuple[str | int, ...] = ("body",),
    lookups: Lookups | None = None,
) -> Deal:
    """Register in the caller's transaction; raises Problem (403/409/422) with nothing written."""
    now = now or datetime.now(UTC)
    lookups = lookups or Lookups()
    partner_id = resolve_partner_id(principal, body.partner_id, loc)
    partner = await lookups.partner(session, partner_id)
    if partner is None:
        raise Problem(403, f"Partner {partner_id!r} has no profile; a vendor or admin must create it first.")
    if body.vendor_id not in partner.vendor_ids:
        raise Problem(403, f"Partner {partner_id!r} is not enrolled with vendor {body.vendor_id!r}.")
    draft = draft_from_body(body, partner_id, principal)
    new = registration_from_draft(draft)
    await repository.lock_customer(session, draft.vendor_id, new.customer)
    candidates = await repository.active_candidates(session, draft.vendor_id, new.customer)
    match = classify_registration(new, (registration_from_row(r) for r in candidates))
    policy = await lookups.policy(session, draft.vendor_id)
    try:
        changes = domain_registration.register_deal(
            draft, deal_id=str(uuid.uuid4()), now=now, policy=policy, partner_tier=partner.tier, match=match
        )
    except DuplicateRegistration as exc:
        raise Problem(
            409,
            str(exc),
            title="Duplicate registration",
            type_="/problems/duplicate-registration",
            existing_deal_id=exc.existing_deal_id,
            reasons=[str(r) for r in match.reasons],
        ) from None
    deal = changes[-1].deal
    session.add(new_deal_row(deal))
    await record_changes(
        session,
        topics,
        partner,
        [(c, POLICY_ACTOR if c.event_type is DealEventType.APPROVED else principal.sub) for c in changes],
    )
    return deal
