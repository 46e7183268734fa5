"""deals.v1 folded into the read model: ONE set-based path, a poll at a time (a single event is
a batch of one).

One transaction per batch (the consumer's). Every deal of the batch is locked in one
statement (lock-key order, so two replicas never deadlock) and read in one SELECT ... FOR
UPDATE; the pure apply_deal_event then runs per event in delivery order, carrying each
deal's snapshot forward in memory (several events of one deal fold one after the other),
and the changed snapshots are written in one upsert. The affected keys' figure_totals move by
the deals' net deltas in one more upsert; each key's figures are then recomputed ONCE for the
whole batch, from its totals row, and all the outgoing events go in one outbox insert.

A PoisonEvent or any other failure aborts the whole batch: the consumer then replays it
record by record, each as a batch of one through this same path, which isolates (and
dead-letters) the bad event.
"""

from __future__ import annotations

from collections.abc import Sequence

from events.envelope import CloudEvent
from events.poison import PoisonEvent
from events.topics import TopicNames
from pipeline.domain.deltas import totals_deltas
from pipeline.domain.keys import FiguresKey, affected_figures
from pipeline.domain.read_model import DEAL_EVENT_TYPES, DealSnapshot, apply_deal_event
from pipeline.service.figures import refresh_many
from pipeline.service.ports import EventItem, PipelineStore


def deal_id_of(event: CloudEvent) -> str:
    deal_id = event.data.get("id")
    if not isinstance(deal_id, str) or not deal_id:
        raise PoisonEvent("deal event data lacks id")
    return deal_id


def fold_batch(
    stored: dict[str, DealSnapshot], items: Sequence[EventItem]
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


async def on_deal_events(store: PipelineStore, items: Sequence[EventItem], topics: TopicNames) -> None:
    """Apply a batch of new deal events (claimed, distinct, in delivery order per deal).

    pipeline-updated goes out once per (partner, vendor, period) per batch, not once per deal
    event: many deals of one partner arriving together give one announcement, carrying the
    same final figures one event at a time ends with. Likewise the at-risk flag moves (and
    pipeline-at-risk fires) on the batch's net change of coverage: a dip below the threshold
    and back within one batch is not announced.
    """
    deal_items = [item for item in items if item.event.type in DEAL_EVENT_TYPES]
    if not deal_items:
        return
    deal_ids = sorted({deal_id_of(item.event) for item in deal_items})
    # The deal locks also cover deals with no row yet (their first event).
    await store.lock_deals(deal_ids)
    stored = await store.deals_for_update(deal_ids)
    changed, touched = fold_batch(stored, deal_items)
    await store.save_deals([changed[d] for d in sorted(changed)])

    # Deal locks before figures locks; all of them up front.
    await store.lock_figures(touched)
    # Each deal's net change (its intermediate states within the batch cancel out).
    await store.add_totals(totals_deltas((stored.get(d), changed[d]) for d in sorted(changed)))
    await store.keep_attributes(changed.values())
    await refresh_many(store, touched, topics, touched)
