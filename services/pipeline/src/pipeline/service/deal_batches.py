"""deals.v1 folded into the read model a poll at a time: on_deal_event's work, set-based.

One transaction per batch (the consumer's). Every deal of the batch is locked in one
statement (lock-key order, so two replicas never deadlock) and read in one SELECT ... FOR
UPDATE; the pure apply_deal_event then runs per event in delivery order, carrying each
deal's snapshot forward in memory (several events of one deal fold one after the other),
and the changed snapshots are written in one upsert. The affected keys' figure_totals move by
the deals' net deltas in one more upsert; each key's figures are then recomputed ONCE for the
whole batch, from its totals row, and all the outgoing events go in one outbox insert.

A PoisonEvent or any other failure aborts the whole batch: the consumer then replays it
record by record through on_deal_event, which isolates (and dead-letters) the bad event.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchItem, enqueue_many
from events.consumer import PoisonEvent
from events.envelope import CloudEvent
from events.topics import TopicNames
from pipeline.adapters.tables import DealRow
from pipeline.domain.read_model import DEAL_EVENT_TYPES, DealSnapshot, apply_deal_event
from pipeline.service.figures import DEAL_LOCK, FIGURES_LOCK, figures_lock_name, lock_many, recompute_figures
from pipeline.service.partner_attributes import keep_attributes
from pipeline.service.snapshots import FiguresKey, affected_figures, snapshot_of, snapshot_values
from pipeline.service.totals import apply_totals_deltas, totals_deltas

_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_COLUMNS: list[str] = [c.name for c in _DEALS.columns]
_PG = PGDialect()  # type: ignore[no-untyped-call]
_ARRAY_TYPES = {c.name: c.type.compile(dialect=_PG) for c in _DEALS.columns}

# One statement for any number of snapshots: one array per column (a fixed statement, prepared once).
_UPSERT_DEALS = text(  # built from the table's own column names and types only
    f"INSERT INTO {_DEALS.name} ({', '.join(_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS {_ARRAY_TYPES[c]}[])" for c in _COLUMNS)
    + ") ON CONFLICT (deal_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS if c != "deal_id")
)


def deal_id_of(event: CloudEvent) -> str:
    deal_id = event.data.get("id")
    if not isinstance(deal_id, str) or not deal_id:
        raise PoisonEvent("deal event data lacks id")
    return deal_id


async def load_deals_for_update(session: AsyncSession, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
    """The stored snapshots of these deals (those that exist), their rows locked."""
    query = select(_DEALS).where(_DEALS.c.deal_id.in_(sorted(deal_ids))).with_for_update()
    return {row.deal_id: snapshot_of(row) for row in (await session.execute(query)).all()}


async def upsert_deals(session: AsyncSession, snapshots: Sequence[DealSnapshot]) -> None:
    if not snapshots:
        return
    values = [snapshot_values(s) for s in snapshots]
    columns: dict[str, Any] = {c: [v[c] for v in values] for c in _COLUMNS}
    await session.execute(_UPSERT_DEALS, columns)


def fold_batch(
    stored: dict[str, DealSnapshot], items: Sequence[BatchItem]
) -> tuple[dict[str, DealSnapshot], dict[FiguresKey, str | None]]:
    """The snapshots the batch changed, and each figures key it touched with the traceparent of
    the last event that touched it. Raises PoisonEvent for an event apply_deal_event rejects."""
    current = dict(stored)
    changed: dict[str, DealSnapshot] = {}
    touched: dict[FiguresKey, str | None] = {}
    for item in items:
        event = item.event
        deal_id = deal_id_of(event)
        before = current.get(deal_id)
        try:
            after = apply_deal_event(before, event.type, event.data, event.time)
        except ValueError as exc:
            raise PoisonEvent(f"event {event.id}: {exc}") from exc
        if after is before:
            continue  # stale or a duplicate: nothing changed
        current[deal_id] = changed[deal_id] = after
        for key in affected_figures(before, after):
            touched[key] = item.traceparent
    return changed, touched


async def on_deal_events(session: AsyncSession, items: Sequence[BatchItem], topics: TopicNames) -> None:
    """Apply a batch of new deal events (claimed, distinct, in delivery order per deal).

    Unlike one event at a time, pipeline-updated goes out once per (partner, vendor, period)
    per batch, not once per deal event: many deals of one partner arriving together give one
    announcement, carrying the same final figures the per-event path ends with. Likewise the
    at-risk flag moves (and pipeline-at-risk fires) on the batch's net change of coverage: a
    dip below the threshold and back within one batch is not announced.
    """
    deal_items = [item for item in items if item.event.type in DEAL_EVENT_TYPES]
    if not deal_items:
        return
    deal_ids = sorted({deal_id_of(item.event) for item in deal_items})
    # The advisory locks also cover deals with no row yet (their first event).
    await lock_many(session, DEAL_LOCK, deal_ids)
    stored = await load_deals_for_update(session, deal_ids)
    changed, touched = fold_batch(stored, deal_items)
    await upsert_deals(session, [changed[d] for d in sorted(changed)])

    # Deal locks before figures locks, as on_deal_event takes them; all of them up front.
    await lock_many(session, FIGURES_LOCK, (figures_lock_name(k) for k in touched))
    # Each deal's net change (its intermediate states within the batch cancel out).
    await apply_totals_deltas(session, totals_deltas((stored.get(d), changed[d]) for d in sorted(changed)))
    await keep_attributes(session, changed.values())
    outgoing: list[tuple[str, str | None, CloudEvent, str | None]] = []
    for key in sorted(touched):
        _, events = await recompute_figures(session, key, locked=True)
        outgoing.extend((topics.pipeline, key.partner_id, e, touched[key]) for e in events)
    await enqueue_many(session, outgoing)
