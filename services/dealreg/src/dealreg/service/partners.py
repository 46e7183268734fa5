"""Partners: a profile (its name) and its enrolments, one per vendor, each with its own terms.

A vendor's PUT sets its own enrolment only and works whether or not the partner exists; an
admin sets the enrolments it lists. Every enrolment written is announced on partners.v1
(`partner-enrolled` the first time, `partner-updated` after) through the outbox, in the
transaction that writes it. The rules are in domain/enrolment.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from dealreg.domain.enrolment import (
    Enrolment,
    PartnerProfile,
    PartnerPut,
    Terms,
    acting_vendor,
    apply_partner_put,
    plan_partner_put,
    put_created,
    vendor_targets,
    version_seen,
)
from dealreg.service.changes import SERVICE
from dealreg.service.ports import DealStore, Outgoing
from dealreg.service.views import partner_json
from events.envelope import new_event
from events.schemas import PartnerEnrolmentData
from events.topics import TopicNames
from servicekit.errors import NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal


@dataclass(frozen=True)
class PutPartner:
    """A PUT of a partner: its name, the terms, and (for an admin) the vendors whose enrolments get them."""

    partner_id: str
    name: str
    terms: Terms
    vendor_ids: Sequence[str] | None = None


def _announce(
    topics: TopicNames, profile: PartnerProfile, written: Sequence[Enrolment], plan: PartnerPut
) -> list[Outgoing]:
    by_vendor = {e.vendor_id: e for e in written}
    out: list[Outgoing] = []
    for change in plan.changes:
        e = by_vendor[change.vendor_id]
        data = PartnerEnrolmentData(
            partner_id=profile.id, vendor_id=e.vendor_id, name=profile.name, tier=e.terms.tier,
            territory=e.terms.territory, region=e.terms.region, channel_manager=e.terms.channel_manager,
            version=e.version, updated_at=e.updated_at,
        )  # fmt: skip
        event = new_event(
            event_type=str(change.event_type), service=SERVICE, subject=profile.id,
            data=data.model_dump(mode="json"), time=e.updated_at,
        )  # fmt: skip
        out.append((topics.partners, profile.id, event))
    return out


async def put_partner(
    store: DealStore, topics: TopicNames, principal: Principal, command: PutPartner, if_match: str | None
) -> tuple[dict[str, Any], bool]:
    """Create or update in the store's transaction; returns (the partner as the caller sees it, created)."""
    vendor = acting_vendor(principal)
    targets = vendor_targets(vendor, command.vendor_ids)
    now = datetime.now(UTC)
    profile, enrolments = await store.lock_partner(command.partner_id, command.name, now)
    check_if_match(if_match, version_seen(vendor, profile, enrolments))
    plan = plan_partner_put(
        None if profile.version == 0 else profile.name,
        enrolments,
        name=command.name,
        terms=command.terms,
        targets=targets,
        may_rename=vendor is None,
    )
    created = put_created(vendor, enrolments, plan)
    profile, written = apply_partner_put(profile, enrolments, plan, now)
    await store.save_partner(profile, written, _announce(topics, profile, written, plan))
    view = partner_json(profile, list({**enrolments, **{e.vendor_id: e for e in written}}.values()), principal)
    assert view is not None  # the caller just wrote it: a vendor is enrolled, an admin sees all
    return view, created


async def get_partner(store: DealStore, principal: Principal, partner_id: str) -> dict[str, Any]:
    found = await store.partner(partner_id)
    if found is None:
        raise NotFound("partner")
    view = partner_json(*found, principal)
    if view is None:
        raise NotFound("partner")  # another vendor's partner: never reveal that it exists
    return view
