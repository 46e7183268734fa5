"""Use case: register a deal (validated, matched, maybe auto-approved, events in the outbox, one transaction)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters import repository
from dealreg.adapters.mapping import new_deal_values, policy_from_row, registration_from_row
from dealreg.adapters.tables import PartnerRow
from dealreg.api.schemas import DealCreate
from dealreg.domain import registration as domain_registration
from dealreg.domain.conflicts import classify_registration, registration_from_draft
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import Customer, Deal, DealDraft, DealEventType, DuplicateRegistration, LineItem, Rep
from dealreg.domain.policy import DEFAULT_POLICY, ApprovalPolicy
from dealreg.service.changes import POLICY_ACTOR, change_records
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

    async def lock_and_load(
        self, session: AsyncSession, partner_id: str, vendor_id: str, keys: CustomerKeys
    ) -> tuple[PartnerRow | None, ApprovalPolicy]:
        """Take the customer's advisory locks and read what is not cached yet, in one round trip."""
        if partner_id in self._partners and vendor_id in self._policies:
            partner = self._partners[partner_id]
            if partner is not None:
                await repository.lock_customer_only(session, vendor_id, keys)
            return partner, self._policies[vendor_id]
        found = await repository.lock_customer_with_lookups(session, vendor_id, keys, partner_id)
        if found is None:
            self._partners[partner_id] = None
            return None, DEFAULT_POLICY
        self._partners[partner_id] = found[0]
        self._policies[vendor_id] = policy_from_row(found[1])
        return found[0], self._policies[vendor_id]


async def register_deal(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    body: DealCreate,
    now: datetime | None = None,
    loc: tuple[str | int, ...] = ("body",),
    lookups: Lookups | None = None,
) -> Deal:
    """Register in the caller's transaction; raises Problem (403/409/422) with nothing written.

    Three round trips: locks + partner + policy, conflict candidates, then one insert of deal,
    history, outbox and NOTIFY.
    """
    now = now or datetime.now(UTC)
    lookups = lookups or Lookups()
    partner_id = resolve_partner_id(principal, body.partner_id, loc)
    draft = draft_from_body(body, partner_id, principal)
    new = registration_from_draft(draft)
    partner, policy = await lookups.lock_and_load(session, partner_id, draft.vendor_id, new.customer)
    if partner is None:
        raise Problem(403, f"Partner {partner_id!r} has no profile; a vendor or admin must create it first.")
    if body.vendor_id not in partner.vendor_ids:
        raise Problem(403, f"Partner {partner_id!r} is not enrolled with vendor {body.vendor_id!r}.")
    candidates = await repository.active_candidate_keys(session, draft.vendor_id, new.customer)
    match = classify_registration(new, (registration_from_row(r) for r in candidates))
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
    actors = [POLICY_ACTOR if c.event_type is DealEventType.APPROVED else principal.sub for c in changes]
    history, outbox = change_records(topics, partner, list(zip(changes, actors, strict=True)))
    await repository.insert_registration(session, new_deal_values(deal), history, outbox)
    return deal
