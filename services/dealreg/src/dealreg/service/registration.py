"""Use case: register a deal (validated, matched, maybe auto-approved, events in the outbox, one transaction)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import Any

from dealreg.domain import registration as domain_registration
from dealreg.domain.conflicts import (
    ExistingRegistration,
    NewRegistration,
    classify_registration,
    registration_from_deal,
    registration_from_draft,
)
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import Deal, DealDraft, DealRequest, DuplicateRegistration, Rep
from dealreg.domain.enrolment import PartnerTerms
from dealreg.domain.policy import DEFAULT_POLICY, ApprovalPolicy
from dealreg.service.changes import POLICY_ACTOR, change_records
from dealreg.service.ports import Registrations, RegistrationStore
from events.topics import TopicNames
from events.vocabulary import DealEventType
from servicekit.errors import Conflict, Forbidden, invalid
from servicekit.principal import Principal, Role


@dataclass(frozen=True, kw_only=True)
class RegisterDeal(DealRequest):
    """A registration request: the deal, the partner it names (None: the caller's own) and the rep
    (None: the caller)."""

    partner_id: str | None = None
    rep: Rep | None = None


def resolve_partner_id(principal: Principal, requested: str | None, loc: tuple[str | int, ...] = ("body",)) -> str:
    if principal.role is Role.PARTNER:
        assert principal.partner_id is not None
        if requested is not None and requested != principal.partner_id:
            raise Forbidden("partner_id must be your own partner.")
        return principal.partner_id
    if principal.role is Role.AGGREGATOR:
        if requested is None:
            raise invalid([*loc, "partner_id"], "Field required for an aggregator")
        if requested not in principal.partner_ids:
            raise Forbidden(f"You do not act for partner {requested!r}.")
        return requested
    if principal.role is Role.ADMIN:
        if requested is None:
            raise invalid([*loc, "partner_id"], "Field required")
        return requested
    raise Forbidden("Only partners, aggregators and admins register deals.")


def draft_from_command(body: RegisterDeal, partner_id: str, principal: Principal) -> DealDraft:
    deal = {f.name: getattr(body, f.name) for f in fields(DealRequest)}
    return DealDraft(**deal, partner_id=partner_id, rep=body.rep or Rep(id=principal.sub))


@dataclass(frozen=True)
class Enrolled:
    """What registration knows of the partner: whether it has a profile, and its terms with the vendor."""

    has_profile: bool
    terms: PartnerTerms | None


class Lookups:
    """Partner enrolments and vendor policies read once per request (a batch reuses them for every item)."""

    def __init__(self) -> None:
        self._enrolled: dict[tuple[str, str], Enrolled] = {}
        self._policies: dict[str, ApprovalPolicy] = {}

    async def lock_and_load(
        self, store: RegistrationStore, partner_id: str, vendor_id: str, keys: CustomerKeys
    ) -> tuple[Enrolled, ApprovalPolicy]:
        """Take the customer's advisory locks and read what is not cached yet, in one round trip."""
        pair = (partner_id, vendor_id)
        if pair in self._enrolled and vendor_id in self._policies:
            enrolled = self._enrolled[pair]
            if enrolled.terms is not None:
                await store.lock(vendor_id, keys)
            return enrolled, self._policies[vendor_id]
        found = await store.lock_with_lookups(vendor_id, keys, partner_id)
        if found is None:
            self._enrolled[pair] = Enrolled(False, None)
            return self._enrolled[pair], DEFAULT_POLICY
        self._enrolled[pair] = Enrolled(True, found[0])
        self._policies[vendor_id] = found[1] or DEFAULT_POLICY
        return self._enrolled[pair], self._policies[vendor_id]


@dataclass(frozen=True)
class Pending:
    """A registration request read and normalized, before any lookup."""

    partner_id: str
    draft: DealDraft
    new: NewRegistration


@dataclass(frozen=True)
class Decided:
    """A registration accepted: the deal and the rows that record it."""

    deal: Deal
    history: list[dict[str, Any]]
    outbox: list[dict[str, Any]]

    def as_existing(self) -> ExistingRegistration:
        """How later items of the same batch see this deal when matching conflicts."""
        return registration_from_deal(self.deal)


def pending_registration(principal: Principal, body: RegisterDeal, loc: tuple[str | int, ...] = ("body",)) -> Pending:
    """Who registers, the draft and its match keys; raises Forbidden/InvalidInput for the wrong partner."""
    partner_id = resolve_partner_id(principal, body.partner_id, loc)
    draft = draft_from_command(body, partner_id, principal)
    return Pending(partner_id, draft, registration_from_draft(draft))


def check_enrolment(pending: Pending, enrolled: Enrolled) -> PartnerTerms:
    """The partner's terms with the deal's vendor; Forbidden when it has no profile or is not enrolled with it."""
    if not enrolled.has_profile:
        raise Forbidden(f"Partner {pending.partner_id!r} has no profile; a vendor or admin must create it first.")
    if enrolled.terms is None:
        raise Forbidden(
            f"Partner {pending.partner_id!r} is not enrolled with vendor {pending.draft.vendor_id!r}; that vendor"
            " (or an admin) enrols it with PUT /v1/partners/{partner_id}.",
        )
    return enrolled.terms


def decide(
    pending: Pending,
    partner: PartnerTerms,
    policy: ApprovalPolicy,
    candidates: Iterable[ExistingRegistration],
    topics: TopicNames,
    principal: Principal,
    now: datetime,
) -> Decided:
    """Match, apply the policy and build the rows; raises Conflict for a duplicate. No I/O."""
    match = classify_registration(pending.new, candidates)
    try:
        changes = domain_registration.register_deal(
            pending.draft, deal_id=str(uuid.uuid4()), now=now, policy=policy, partner_tier=partner.terms.tier,
            match=match,
        )  # fmt: skip
    except DuplicateRegistration as exc:
        raise Conflict(
            str(exc),
            title="Duplicate registration",
            type_="/problems/duplicate-registration",
            existing_deal_id=exc.existing_deal_id,
            reasons=[str(r) for r in match.reasons],
        ) from None
    deal = changes[-1].deal
    actors = [POLICY_ACTOR if c.event_type is DealEventType.DEAL_APPROVED else principal.sub for c in changes]
    history, outbox = change_records(topics, partner, list(zip(changes, actors, strict=True)))
    return Decided(deal, history, outbox)


async def register_deal(
    store: RegistrationStore,
    topics: TopicNames,
    principal: Principal,
    body: RegisterDeal,
    now: datetime | None = None,
    loc: tuple[str | int, ...] = ("body",),
    lookups: Lookups | None = None,
) -> Deal:
    """Register in the store's transaction; raises Forbidden/Conflict/InvalidInput with nothing written.

    Three round trips: locks + partner's enrolment + policy, conflict candidates, then one insert of deal,
    history, outbox and NOTIFY.
    """
    lookups = lookups or Lookups()
    pending = pending_registration(principal, body, loc)
    vendor_id = pending.draft.vendor_id
    found, policy = await lookups.lock_and_load(store, pending.partner_id, vendor_id, pending.new.customer)
    partner = check_enrolment(pending, found)
    candidates = await store.active_candidates(vendor_id, pending.new.customer)
    decided = decide(pending, partner, policy, candidates, topics, principal, now or datetime.now(UTC))
    await store.insert(decided.deal, decided.history, decided.outbox)
    return decided.deal


async def register(
    registrations: Registrations, topics: TopicNames, principal: Principal, command: RegisterDeal
) -> Deal:
    """Register one deal in a transaction of its own (the POST /v1/deals use case)."""
    return await registrations.in_transaction(lambda store: register_deal(store, topics, principal, command))
