"""The enrolment read model: who is enrolled with which vendor, from partners.v1.

Applied once per event by the idempotent consumer; a replayed or reordered event never
rolls an enrolment back, because only a higher `version` replaces what is kept.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from incentives.adapters.tables import EnrolmentRow
from servicekit.principal import Principal


async def on_partner_event(session: AsyncSession, event: CloudEvent) -> None:
    """partner-enrolled / partner-updated: keep the highest version per (partner, vendor)."""
    data = PartnerEnrolmentData.model_validate(event.data)
    values = {
        "partner_id": data.partner_id,
        "vendor_id": data.vendor_id,
        "name": data.name,
        "tier": data.tier,
        "territory": data.territory,
        "region": data.region,
        "channel_manager": data.channel_manager,
        "version": data.version,
        "updated_at": data.updated_at,
    }
    statement = insert(EnrolmentRow).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["partner_id", "vendor_id"],
            set_={k: statement.excluded[k] for k in values if k not in ("partner_id", "vendor_id")},
            where=col(EnrolmentRow.version) < statement.excluded.version,
        )
    )


def partners_of(principal: Principal) -> list[str]:
    """The partners a partner or aggregator token acts for."""
    return sorted(principal.partner_ids | ({principal.partner_id} if principal.partner_id else set()))


def enrolled_vendors(principal: Principal) -> ColumnElement[bool]:
    """SQL: the vendor ids the caller's partners are enrolled with (for `vendor_id IN (...)`)."""
    return select(col(EnrolmentRow.vendor_id)).where(col(EnrolmentRow.partner_id).in_(partners_of(principal)))  # type: ignore[return-value]


async def is_enrolled(session: AsyncSession, principal: Principal, vendor_id: str) -> bool:
    found = await session.execute(
        select(col(EnrolmentRow.vendor_id))
        .where(col(EnrolmentRow.partner_id).in_(partners_of(principal)), col(EnrolmentRow.vendor_id) == vendor_id)
        .limit(1)
    )
    return found.first() is not None
