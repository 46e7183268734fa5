"""partner_attributes kept up to date: each (vendor, partner)'s grouping attributes as its most
recent deal event showed them, so a rollup reads one row per partner instead of its deals.
Rollups weigh them against the partner's enrolment (service/enrolments.vendor_attributes).

Both consumer paths (deal_events, deal_batches) and the rebuild go through keep_attributes, in
the transaction that writes the deals. An event older than the stored one changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from pipeline.adapters.tables import PartnerAttributesRow
from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.rollups import newest_attributes

_TABLE = PartnerAttributesRow.__tablename__
_COLUMNS = ("vendor_id", "partner_id", "tier", "territory", "region", "channel_manager", "last_event_time")
_TYPES = ("text", "text", "integer", "text", "text", "text", "timestamptz")

# Any number of partners in one statement, in key order (two writers never wait on each other
# in opposite orders); the latest event time wins, a tie goes to the later writer.
_KEEP = text(  # built from constant names only
    f"INSERT INTO {_TABLE} AS a ({', '.join(_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS {t}[])" for c, t in zip(_COLUMNS, _TYPES, strict=True))
    + ") ON CONFLICT (vendor_id, partner_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS[2:])
    + " WHERE a.last_event_time <= EXCLUDED.last_event_time"
)


async def keep_attributes(connection: AsyncSession | AsyncConnection, snapshots: Iterable[DealSnapshot]) -> None:
    """Record the attributes these (changed) deals show for their partners, where newer."""
    newest = newest_attributes(snapshots)
    if not newest:
        return
    params: dict[str, list[Any]] = {c: [] for c in _COLUMNS}
    for (vendor_id, partner_id), (attributes, at) in newest.items():
        params["vendor_id"].append(vendor_id)
        params["partner_id"].append(partner_id)
        params["tier"].append(attributes.tier)
        params["territory"].append(attributes.territory)
        params["region"].append(attributes.region)
        params["channel_manager"].append(attributes.channel_manager)
        params["last_event_time"].append(at)
    await connection.execute(_KEEP, params)


async def replace_all_attributes(connection: AsyncSession | AsyncConnection, snapshots: Iterable[DealSnapshot]) -> None:
    """partner_attributes recomputed from scratch for these deals (the whole read model)."""
    await connection.execute(text(f"DELETE FROM {_TABLE}"))  # noqa: S608
    await keep_attributes(connection, snapshots)
