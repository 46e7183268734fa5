"""Partners: a profile (its name) and its enrolments, one per vendor, each with its own terms.

A vendor's PUT sets its own enrolment only and works whether or not the partner exists; an
admin sets the enrolments it lists. Every enrolment written is announced on partners.v1
(`partner-enrolled` the first time, `partner-updated` after) through the outbox, in the
transaction that writes it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.mapping import enrolment_from_row
from dealreg.adapters.tables import EnrollmentRow, PartnerRow
from dealreg.api.schemas import PartnerIn
from dealreg.domain.enrolment import EnrolmentRefused, PartnerPut, Terms, plan_partner_put, vendor_targets
from dealreg.service.changes import SERVICE
from dealreg.service.views import iso
from events.envelope import new_event
from events.outbox import enqueue
from events.schemas import PartnerEnrolmentData
from events.topics import TopicNames
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, not_found

_PROFILES: Any = PartnerRow.__table__  # type: ignore[attr-defined]


async def _lock_partner(
    session: AsyncSession, partner_id: str, name: str, now: datetime
) -> tuple[PartnerRow, dict[str, EnrollmentRow]]:
    """The profile (created at version 0 if missing; two creators never clash) and its enrolments, locked."""
    await session.execute(
        insert(_PROFILES)
        .values(id=partner_id, name=name, created_at=now, updated_at=now, version=0)
        .on_conflict_do_nothing(index_elements=["id"])
    )
    profile = await session.get(PartnerRow, partner_id, with_for_update=True, populate_existing=True)
    assert profile is not None  # inserted above, or already there
    query = select(EnrollmentRow).where(col(EnrollmentRow.partner_id) == partner_id).with_for_update()
    rows = (await session.exec(query)).all()
    return profile, {r.vendor_id: r for r in rows}


def _active(rows: dict[str, EnrollmentRow], vendor_id: str) -> EnrollmentRow | None:
    row = rows.get(vendor_id)
    return row if row is not None and row.active else None


def _enrolment_json(row: EnrollmentRow) -> dict[str, Any]:
    return {
        "vendor_id": row.vendor_id,
        "tier": row.tier,
        "territory": row.territory,
        "region": row.region,
        "channel_manager": row.channel_manager,
        "version": row.version,
        "updated_at": iso(row.updated_at),
    }


def partner_json(profile: PartnerRow, rows: Sequence[EnrollmentRow], viewer: Principal) -> dict[str, Any] | None:
    """The partner as `viewer` sees it; None when the viewer may not see it (a vendor it is not enrolled with)."""
    active = sorted((r for r in rows if r.active), key=lambda r: r.vendor_id)
    if viewer.role is Role.VENDOR:
        own = next((r for r in active if r.vendor_id == viewer.vendor_id), None)
        if own is None:
            return None
        return {
            "id": profile.id, "name": profile.name, "tier": own.tier, "territory": own.territory,
            "region": own.region, "channel_manager": own.channel_manager, "vendor_ids": [own.vendor_id],
            "created_at": iso(profile.created_at), "updated_at": iso(own.updated_at), "version": own.version,
        }  # fmt: skip
    if not viewer.acts_for_partner(profile.id):
        return None
    # Top-level terms are unambiguous only with a single vendor; otherwise see `enrollments`.
    single = active[0] if len(active) == 1 else None
    return {
        "id": profile.id,
        "name": profile.name,
        "tier": single.tier if single else None,
        "territory": single.territory if single else None,
        "region": single.region if single else None,
        "channel_manager": single.channel_manager if single else None,
        "vendor_ids": [r.vendor_id for r in active],
        "enrollments": [_enrolment_json(r) for r in active],
        "created_at": iso(profile.created_at),
        "updated_at": iso(profile.updated_at),
        "version": profile.version,
    }


def _announce(topics: TopicNames, profile: PartnerRow, rows: Sequence[EnrollmentRow], plan: PartnerPut) -> list[Any]:
    by_vendor = {r.vendor_id: r for r in rows}
    out = []
    for change in plan.changes:
        row = by_vendor[change.vendor_id]
        data = PartnerEnrolmentData(
            partner_id=profile.id, vendor_id=row.vendor_id, name=profile.name, tier=row.tier,
            territory=row.territory, region=row.region, channel_manager=row.channel_manager,
            version=row.version, updated_at=row.updated_at,
        )  # fmt: skip
        event = new_event(
            event_type=str(change.event_type), service=SERVICE, subject=profile.id,
            data=data.model_dump(mode="json"), time=row.updated_at,
        )  # fmt: skip
        out.append((topics.partners, profile.id, event))
    return out


async def put_partner(
    session: AsyncSession,
    topics: TopicNames,
    principal: Principal,
    partner_id: str,
    body: PartnerIn,
    if_match: str | None,
) -> tuple[dict[str, Any], bool]:
    """Create or update in the caller's transaction; returns (the partner as the caller sees it, created)."""
    if principal.role not in (Role.ADMIN, Role.VENDOR):
        raise Problem(403, "Only vendors and admins manage partner profiles.")
    acting_vendor = principal.vendor_id if principal.role is Role.VENDOR else None
    try:
        targets = vendor_targets(acting_vendor, body.vendor_ids)
    except EnrolmentRefused as exc:
        raise Problem(exc.status, str(exc)) from None
    now = datetime.now(UTC)
    profile, rows = await _lock_partner(session, partner_id, body.name, now)
    # The version the caller last read: a vendor's is its enrolment's, the admin's the profile's.
    if acting_vendor is not None:
        own = _active(rows, acting_vendor)
        current_version = own.version if own is not None else 0
    else:
        current_version = profile.version
    check_if_match(if_match, current_version)
    terms = Terms(tier=body.tier, territory=body.territory, region=body.region, channel_manager=body.channel_manager)
    plan = plan_partner_put(
        None if profile.version == 0 else profile.name,
        {v: enrolment_from_row(r) for v, r in rows.items()},
        name=body.name,
        terms=terms,
        targets=targets,
        may_rename=acting_vendor is None,
    )
    created = _active(rows, acting_vendor) is None if acting_vendor is not None else plan.profile_created
    if plan.changed:
        profile.name = plan.name
        profile.updated_at = now
        profile.version += 1
    for change in plan.changes:
        row = rows.get(change.vendor_id)
        if row is None:
            row = EnrollmentRow(
                partner_id=partner_id, vendor_id=change.vendor_id, tier=change.terms.tier, active=True,
                created_at=now, updated_at=now, version=change.version,
            )  # fmt: skip
            rows[change.vendor_id] = row
            session.add(row)
        row.tier = change.terms.tier
        row.territory = change.terms.territory
        row.region = change.terms.region
        row.channel_manager = change.terms.channel_manager
        row.active = True
        row.version = change.version
        row.updated_at = now
    await session.flush()
    await enqueue(session, _announce(topics, profile, list(rows.values()), plan))
    view = partner_json(profile, list(rows.values()), principal)
    assert view is not None  # the caller just wrote it: a vendor is enrolled, an admin sees all
    return view, created


async def get_partner(session: AsyncSession, principal: Principal, partner_id: str) -> dict[str, Any]:
    profile = await session.get(PartnerRow, partner_id)
    if profile is None:
        raise not_found("partner")
    rows = (await session.exec(select(EnrollmentRow).where(col(EnrollmentRow.partner_id) == partner_id))).all()
    view = partner_json(profile, rows, principal)
    if view is None:
        raise not_found("partner")  # another vendor's partner: never reveal that it exists
    return view
