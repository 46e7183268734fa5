"""The enrolment read model: partners.v1 folded into partner_enrolments (domain/enrolments.py
says which event wins), and what reads it: whether a partner is enrolled with a vendor (a plan
needs it) and the terms rollups group by.

The consumer applies each event in the transaction that records it in processed_events (the
IdempotentConsumer's), like every consumer; the upsert keeps the highest version, so a
redelivered or reordered event changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from events.topics import PARTNER_EVENT_TYPES
from pipeline.adapters.tables import PartnerAttributesRow, PartnerEnrolmentRow
from pipeline.domain.enrolments import Enrolment, newest_enrolments, rollup_attributes
from pipeline.domain.read_model import PartnerAttributes

_TABLE = PartnerEnrolmentRow.__tablename__
_COLUMNS = (
    "partner_id", "vendor_id", "name", "tier", "territory", "region", "channel_manager", "version", "updated_at",
)  # fmt: skip
_TYPES = ("text", "text", "text", "integer", "text", "text", "text", "bigint", "timestamptz")

# Any number of enrolments in one statement, in key order; only a higher version replaces a row.
_UPSERT = text(  # built from constant names only
    f"INSERT INTO {_TABLE} AS e ({', '.join(_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS {t}[])" for c, t in zip(_COLUMNS, _TYPES, strict=True))
    + ") ON CONFLICT (partner_id, vendor_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[2:])
    + " WHERE e.version < EXCLUDED.version"
)


def enrolment_of(event: CloudEvent) -> Enrolment:
    """The enrolment a partners.v1 event carries (pydantic.ValidationError when malformed: the
    consumer dead-letters it)."""
    data = PartnerEnrolmentData.model_validate(event.data)
    return Enrolment(
        partner_id=data.partner_id,
        vendor_id=data.vendor_id,
        name=data.name,
        tier=data.tier,
        territory=data.territory,
        region=data.region,
        channel_manager=data.channel_manager,
        version=data.version,
        updated_at=data.updated_at,
    )


async def keep_enrolments(connection: AsyncSession | AsyncConnection, enrolments: Iterable[Enrolment]) -> None:
    """Store these enrolments where they are newer (by version) than what is held."""
    newest = newest_enrolments(enrolments)
    if not newest:
        return
    params: dict[str, list[Any]] = {c: [getattr(newest[k], c) for k in sorted(newest)] for c in _COLUMNS}
    await connection.execute(_UPSERT, params)


async def on_enrolment_event(session: AsyncSession, event: CloudEvent) -> None:
    """partner-enrolled / partner-updated: fold the enrolment into the read model."""
    if event.type not in PARTNER_EVENT_TYPES:
        return
    await keep_enrolments(session, [enrolment_of(event)])


async def is_enrolled(session: AsyncSession, partner_id: str, vendor_id: str) -> bool:
    return await session.get(PartnerEnrolmentRow, (partner_id, vendor_id)) is not None


async def vendor_attributes(session: AsyncSession, vendor_id: str) -> dict[str, PartnerAttributes]:
    """Each of the vendor's partners' rollup terms: its enrolment's, or its deals' when newer or
    when no enrolment is known (domain.enrolments.rollup_attributes)."""
    enrolled = (
        (await session.execute(select(PartnerEnrolmentRow).where(col(PartnerEnrolmentRow.vendor_id) == vendor_id)))
        .scalars()
        .all()
    )
    from_deals = (
        (await session.execute(select(PartnerAttributesRow).where(col(PartnerAttributesRow.vendor_id) == vendor_id)))
        .scalars()
        .all()
    )
    enrolments = {
        r.partner_id: (PartnerAttributes(r.tier, r.territory, r.region, r.channel_manager), r.updated_at)
        for r in enrolled
    }
    deals = {
        r.partner_id: (PartnerAttributes(r.tier, r.territory, r.region, r.channel_manager), r.last_event_time)
        for r in from_deals
    }
    return {p: rollup_attributes(enrolments.get(p), deals.get(p)) for p in sorted({*enrolments, *deals})}
