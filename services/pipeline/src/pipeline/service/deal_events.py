"""Folding deals.v1 into the read model, one event per transaction (the batch path's fallback)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import PoisonEvent
from events.envelope import CloudEvent
from events.topics import TopicNames
from pipeline.adapters.tables import DealRow
from pipeline.domain.read_model import DEAL_EVENT_TYPES, DealSnapshot, apply_deal_event
from pipeline.service.figures import DEAL_LOCK, FIGURES_LOCK, figures_lock_name, lock, lock_many, refresh_figures
from pipeline.service.partner_attributes import keep_attributes
from pipeline.service.snapshots import affected_figures, snapshot_of, snapshot_values
from pipeline.service.totals import apply_totals_deltas, totals_deltas


async def upsert_deal(session: AsyncSession, snapshot: DealSnapshot) -> None:
    values = snapshot_values(snapshot)
    update = {k: v for k, v in values.items() if k != "deal_id"}
    statement = insert(DealRow).values(**values).on_conflict_do_update(index_elements=["deal_id"], set_=update)
    await session.execute(statement)


async def on_deal_event(session: AsyncSession, event: CloudEvent, topics: TopicNames) -> None:
    """Apply one deal event; refresh (and announce) the figures it changed."""
    if event.type not in DEAL_EVENT_TYPES:
        return
    deal_id = event.data.get("id")
    if not isinstance(deal_id, str) or not deal_id:
        raise PoisonEvent("deal event data lacks id")
    # The advisory lock also covers a deal's first event, when there is no row to lock yet.
    await lock(session, DEAL_LOCK, deal_id)
    row = (
        await session.execute(select(DealRow).where(col(DealRow.deal_id) == deal_id).with_for_update())
    ).scalar_one_or_none()
    before = None if row is None else snapshot_of(row)
    try:
        after = apply_deal_event(before, event.type, event.data, event.time)
    except ValueError as exc:
        raise PoisonEvent(str(exc)) from exc
    if after is before:
        return  # stale or a duplicate: nothing changed
    await upsert_deal(session, after)
    keys = affected_figures(before, after)
    # All of them at once, in the order the batch path (deal_batches) takes them: no deadlock.
    await lock_many(session, FIGURES_LOCK, (figures_lock_name(k) for k in keys))
    await apply_totals_deltas(session, totals_deltas([(before, after)]))
    await keep_attributes(session, [after])
    for key in keys:
        await refresh_figures(session, key, topics)
