"""Events in, deliveries out: store each event and queue one delivery per subscriber.

Runs in the consumer's transaction, so the events, their deliveries and the processed-events
marks are committed together: a crash never loses a delivery. One path: a poll's events are a
batch (a single event is a batch of one), stored and routed set-based.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from notifications.domain.routing import recipients, tenancy_of
from notifications.service.ports import Incoming, IntakeStore, NewDelivery, ReceivedEvents


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def received(items: Sequence[Incoming]) -> ReceivedEvents:
    """The events as they are kept: their tenancy (for replays) and their bytes (what webhooks send)."""
    events = [i.event for i in items]
    tenancies = [tenancy_of(e.data) for e in events]
    return ReceivedEvents(
        ids=[e.id for e in events],
        types=[e.type for e in events],
        subjects=[e.subject for e in events],
        times=[_utc(e.time) for e in events],
        vendor_ids=[t.vendor_id for t in tenancies],
        partner_ids=[t.partner_id for t in tenancies],
        bodies=[e.to_json() for e in events],
        traceparents=[i.traceparent for i in items],
    )


async def take_in(store: IntakeStore, items: Sequence[Incoming]) -> None:
    """Keep a batch's events and queue a delivery of each new one to every active subscriber.

    ``items`` are claimed, distinct and in delivery order. Three statements at most, whatever
    the batch's size: store the events and read the active subscriptions of their types; lock
    the chains and queue the deliveries (with the wake-up) if anyone gets one. An event that
    came in before (e.g. through another topic) is routed no second time.
    """
    if not items:
        return
    now = datetime.now(UTC)
    new_ids, targets = await store.store_events(received(items), now)
    if not targets:
        return
    # A stable order within one event: the subscriptions' ids.
    targets.sort(key=lambda t: t.id)
    queued = [
        NewDelivery(target.id, event.id, event.type, event.subject)
        for event in (i.event for i in items if i.event.id in new_ids)
        for target in recipients(targets, event.type, event.data)
    ]
    await store.queue_deliveries(queued, now)
