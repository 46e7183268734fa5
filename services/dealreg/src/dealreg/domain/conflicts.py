"""Duplicate and conflict classification of a new registration against active ones.

Same customer means: equal normalized domains when both registrations name a domain,
otherwise equal normalized names (the contract: "domain, or normalized name when no
domain"). Two registrations for the same customer collide only with the same vendor,
while both are active, and with at least one SKU in common. A collision with the
registering partner's own deal is a duplicate (409); with another partner's, a conflict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from dealreg.domain.customers import CustomerKeys, customer_match_keys
from dealreg.domain.deals import Deal, DealDraft, normalize_sku
from events.vocabulary import OPEN_STATUSES, DealStatus


class ConflictReason(StrEnum):
    SAME_CUSTOMER_DOMAIN = "same_customer_domain"
    SAME_CUSTOMER_NAME = "same_customer_name"
    PRODUCT_OVERLAP = "product_overlap"


_REASON_ORDER = tuple(ConflictReason)


@dataclass(frozen=True)
class NewRegistration:
    """What matching needs to know about the registration being made."""

    vendor_id: str
    partner_id: str
    customer: CustomerKeys
    skus: frozenset[str]  # normalized (normalize_sku)


@dataclass(frozen=True)
class ExistingRegistration:
    """What matching needs to know about a registration already stored."""

    deal_id: str
    vendor_id: str
    partner_id: str
    status: DealStatus
    customer: CustomerKeys
    skus: frozenset[str]  # normalized (normalize_sku)
    created_at: datetime


@dataclass(frozen=True)
class MatchResult:
    """The verdict on a new registration.

    `duplicate_of`: the registering partner's own colliding deal (the oldest if several);
    when set, the registration is refused and `conflicting_deal_ids` is empty.
    `conflicting_deal_ids`: other partners' colliding deals, oldest first.
    `reasons`: why (for a duplicate, why it is one), in a fixed order.
    """

    duplicate_of: str | None = None
    conflicting_deal_ids: tuple[str, ...] = ()
    reasons: tuple[ConflictReason, ...] = ()

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of is not None

    @property
    def is_conflict(self) -> bool:
        return self.duplicate_of is None and bool(self.conflicting_deal_ids)


NO_MATCH = MatchResult()


def registration_from_draft(draft: DealDraft) -> NewRegistration:
    return NewRegistration(
        vendor_id=draft.vendor_id,
        partner_id=draft.partner_id,
        customer=customer_match_keys(draft.customer.name, draft.customer.domain),
        skus=frozenset(normalize_sku(item.sku) for item in draft.products),
    )


def registration_from_deal(deal: Deal) -> ExistingRegistration:
    return ExistingRegistration(
        deal_id=deal.id,
        vendor_id=deal.vendor_id,
        partner_id=deal.partner_id,
        status=deal.status,
        customer=customer_match_keys(deal.customer.name, deal.customer.domain),
        skus=frozenset(normalize_sku(item.sku) for item in deal.products),
        created_at=deal.created_at,
    )


def customer_reasons(new: CustomerKeys, existing: CustomerKeys) -> frozenset[ConflictReason]:
    """Why two customers are the same one (empty when they are not).

    When both name a domain, the domain decides: two companies with one name but
    different domains ("Acme GmbH", acme.de vs "Acme Inc", acme.com) are not the same.
    """
    if new.domain and existing.domain:
        if new.domain != existing.domain:
            return frozenset()
        reasons = {ConflictReason.SAME_CUSTOMER_DOMAIN}
        if new.name and new.name == existing.name:
            reasons.add(ConflictReason.SAME_CUSTOMER_NAME)
        return frozenset(reasons)
    if new.name and new.name == existing.name:
        return frozenset({ConflictReason.SAME_CUSTOMER_NAME})
    return frozenset()


def collision_reasons(new: NewRegistration, existing: ExistingRegistration) -> frozenset[ConflictReason]:
    """Why `existing` collides with `new` (empty when it does not).

    Checks vendor and status itself, so a caller's loose candidate query is harmless.
    """
    if existing.vendor_id != new.vendor_id or existing.status not in OPEN_STATUSES:
        return frozenset()
    if new.skus.isdisjoint(existing.skus):
        return frozenset()
    same_customer = customer_reasons(new.customer, existing.customer)
    if not same_customer:
        return frozenset()
    return same_customer | {ConflictReason.PRODUCT_OVERLAP}


def _ordered(reasons: Iterable[ConflictReason]) -> tuple[ConflictReason, ...]:
    present = set(reasons)
    return tuple(r for r in _REASON_ORDER if r in present)


def classify_registration(new: NewRegistration, candidates: Iterable[ExistingRegistration]) -> MatchResult:
    """Duplicate, conflict or neither, for a new registration against candidate registrations."""
    own: list[tuple[ExistingRegistration, frozenset[ConflictReason]]] = []
    others: list[tuple[ExistingRegistration, frozenset[ConflictReason]]] = []
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.deal_id in seen:
            continue
        seen.add(candidate.deal_id)
        reasons = collision_reasons(new, candidate)
        if reasons:
            (own if candidate.partner_id == new.partner_id else others).append((candidate, reasons))

    def oldest_first(item: tuple[ExistingRegistration, frozenset[ConflictReason]]) -> tuple[datetime, str]:
        return (item[0].created_at, item[0].deal_id)

    if own:
        first, reasons = min(own, key=oldest_first)
        return MatchResult(duplicate_of=first.deal_id, reasons=_ordered(reasons))
    if others:
        others.sort(key=oldest_first)
        return MatchResult(
            conflicting_deal_ids=tuple(c.deal_id for c, _ in others),
            reasons=_ordered(r for _, rs in others for r in rs),
        )
    return NO_MATCH
