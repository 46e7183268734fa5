"""The batch intake: a poll's events stored and fanned out in one transaction, against the real database.

Records are handed to the consumer's handle_batch directly (the shape getmany returns),
so each test controls exactly what one poll holds; the service's delivery worker then
sends what was queued to a real local receiver.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiokafka import ConsumerRecord
from notifications_helpers import Receiver, deal_event, subscribe
from sqlalchemy import text

from events.consumer import IdempotentConsumer
from events.envelope import CloudEvent
from events.topics import TopicNames
from notifications.consumers import EVENTS
from support.kafka import eventually


def _records(topic: str, events: list[CloudEvent], first_offset: int = 0) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for offset, event in enumerate(events, start=first_offset):
        raw = event.to_json()
        key = (event.subject or "").encode()
        out.append(ConsumerRecord(topic, 0, offset, 0, 0, key, raw, None, 0, len(raw), []))
    return out


def _consumer(app: Any, infra: Any, topic_prefix: str) -> IdempotentConsumer:
    # A name of its own: its claims are this test's alone.
    return EVENTS.consumer(
        topics=TopicNames(topic_prefix),
        bootstrap_servers=infra.kafka_bootstrap,
        sessions=app.state.sessions,
        name=f"notifications-test-{uuid.uuid4().hex[:8]}",
    )


async def _queued(app: Any, event_ids: list[str]) -> dict[str, list[str]]:
    """subscription -> event ids of its deliveries, in queueing order (due time, then seq: the claim's order)."""
    async with app.state.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT subscription_id, event_id FROM deliveries WHERE event_id = ANY(:ids) ORDER BY created_at, seq"
            ),
            {"ids": event_ids},
        )
        out: dict[str, list[str]] = {}
        for sub, event in rows:
            out.setdefault(sub, []).append(event)
        return out


async def test_a_batch_queues_one_delivery_per_subscriber_in_event_order(
    notifications: Any, receiver: Receiver, token: Any, infra: Any, topic_prefix: str
) -> None:
    vendor, partner = f"v-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    nobody = f"v-{uuid.uuid4().hex[:8]}"
    # One send at a time per subscription: what arrives shows the order deliveries are claimed in.
    async with notifications(webhook_subscription_concurrency=1) as (client, app):
        vendor_headers = token("vendor", sub="u", vendor_id=vendor)
        vendor_sub = (
            await subscribe(client, vendor_headers, receiver.url("/vendor"), ["deal-registered", "deal-approved"])
        )["id"]
        partner_headers = token("partner", sub="rep", partner_id=partner)
        partner_sub = (await subscribe(client, partner_headers, receiver.url("/partner"), ["deal-registered"]))["id"]
        other_headers = token("vendor", sub="u", vendor_id="v-other")
        other_sub = (await subscribe(client, other_headers, receiver.url("/other"), ["deal-registered"]))["id"]
        first = deal_event(vendor, partner)
        approved = deal_event(vendor, "p-elsewhere", event_type="deal-approved")
        unrouted = deal_event(nobody, f"p-{uuid.uuid4().hex[:8]}")
        later = [deal_event(vendor, partner) for _ in range(5)]
        consumer = _consumer(app, infra, topic_prefix)
        topic = topic_prefix + "deals.v1"

        # The same event twice in one poll, and once more in the next poll.
        await consumer.handle_batch(_records(topic, [first, approved, first, unrouted, *later]))
        await consumer.handle_batch(_records(topic, [first], first_offset=9))

        assert consumer.batches_replayed == 0  # applied by the batch path, not record by record
        every_id = [first.id, approved.id, unrouted.id, *(e.id for e in later)]
        queued = await _queued(app, every_id)
        assert queued == {
            vendor_sub: [first.id, approved.id, *(e.id for e in later)],
            partner_sub: [first.id, *(e.id for e in later)],
        }
        assert other_sub not in queued
        async with app.state.engine.connect() as conn:
            stored = await conn.scalar(
                text("SELECT count(*) FROM received_events WHERE id = ANY(:ids)"), {"ids": every_id}
            )
        assert stored == len(every_id)  # the event routed to nobody is kept too (for replays)

        await eventually(lambda: len(receiver.at("/vendor")) == 7 and len(receiver.at("/partner")) == 6, timeout=30)
        assert [r.headers["webhook-id"] for r in receiver.at("/vendor")] == queued[vendor_sub]
        assert [r.headers["webhook-id"] for r in receiver.at("/partner")] == queued[partner_sub]
        assert receiver.at("/other") == []


async def test_a_batch_without_subscribers_stores_the_events_and_queues_nothing(
    notifications: Any, infra: Any, topic_prefix: str
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    async with notifications() as (_, app):
        events = [deal_event(vendor, "p-1") for _ in range(3)]
        consumer = _consumer(app, infra, topic_prefix)
        await consumer.handle_batch(_records(topic_prefix + "deals.v1", events))
        ids = [e.id for e in events]
        async with app.state.engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT id FROM received_events WHERE id = ANY(:ids) ORDER BY seq"), {"ids": ids}
                )
            ).all()
        assert [r[0] for r in rows] == ids  # stored in the order they came
        assert await _queued(app, ids) == {}
