"""Kafka on its own: produce -> consume round trip, pre-produced deal events, raw consume rate."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from events.envelope import CONTENT_TYPE, new_event
from events.kafka import client_options, ensure_topics, idempotent_producer


async def delete_topics_with_prefix(bootstrap: str, prefix: str, timeout: float = 30) -> list[str]:
    """Delete every topic under `prefix` and wait until the broker no longer lists them."""
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap, client_id="bench-admin")
    await admin.start()
    try:
        doomed = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if doomed:
            await admin.delete_topics(doomed)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if not any(t.startswith(prefix) for t in await admin.list_topics()):
                    break
                await asyncio.sleep(0.5)
        return doomed
    finally:
        await admin.close()


async def wait_assigned(consumer: AIOKafkaConsumer, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not consumer.assignment():
        if time.monotonic() > deadline:
            raise TimeoutError("consumer got no partitions")
        await asyncio.sleep(0.05)
    for tp in consumer.assignment():
        await consumer.position(tp)


async def roundtrip(bootstrap: str, topic: str, count: int, warmup: int = 20) -> list[float]:
    """One message at a time: producer send (acks=all, like the relay) -> consumer receives it."""
    await ensure_topics(bootstrap, {topic: 1})
    consumer = AIOKafkaConsumer(
        topic,
        **client_options(),
        bootstrap_servers=bootstrap,
        group_id=f"bench-rt-{uuid.uuid4()}",
        auto_offset_reset="latest",
        enable_auto_commit=False,
        fetch_max_wait_ms=100,
    )
    producer = idempotent_producer(bootstrap, "bench-roundtrip")
    await consumer.start()
    await producer.start()
    samples: list[float] = []
    try:
        await wait_assigned(consumer)
        for i in range(count + warmup):
            t0 = time.perf_counter()
            await producer.send_and_wait(topic, value=str(i).encode(), key=b"rt")
            while True:
                record = await consumer.getone()
                if record.value == str(i).encode():
                    break
            if i >= warmup:
                samples.append((time.perf_counter() - t0) * 1000)
    finally:
        await producer.stop()
        await consumer.stop()
    return samples


def deal_registered(n: int, partner_id: str = "p-bench", reps: int = 50) -> tuple[bytes, bytes]:
    """A deal-registered event as dealreg publishes it (tests/support/events.py's shape)."""
    deal_id = str(uuid.uuid4())
    now = datetime.now(UTC).isoformat()
    data: dict[str, Any] = {
        "id": deal_id,
        "vendor_id": "acme",
        "partner_id": partner_id,
        "rep": {"id": f"rep-{n % reps}", "email": None, "name": None},
        "customer": {"name": f"Replay {n}", "domain": f"replay{n}.example", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "amount": "12000.00",
        "margin_pct": "25",
        "margin_amount": "3000.00",
        "status": "pending_approval",
        "stage": "registered",
        "conflict": False,
        "expected_close_date": "2030-02-15",
        "protection_expires_at": None,
        "approval_due_at": None,
        "extensions_used": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "partner": {"id": partner_id, "tier": 2, "territory": "west", "region": "NA", "channel_manager": "cm-1"},
    }
    event = new_event(event_type="deal-registered", service="dealreg", subject=deal_id, data=data)
    return deal_id.encode(), event.to_json()


async def produce_events(bootstrap: str, topic: str, count: int) -> float:
    """Pre-produce `count` deal-registered events; returns the seconds it took."""
    producer = AIOKafkaProducer(
        **client_options(), bootstrap_servers=bootstrap, linger_ms=5, max_batch_size=512 * 1024, acks="all"
    )
    await producer.start()
    t0 = time.perf_counter()
    try:
        futures = []
        for n in range(count):
            key, value = deal_registered(n)
            futures.append(
                await producer.send(topic, value=value, key=key, headers=[("content-type", CONTENT_TYPE.encode())])
            )
        await asyncio.gather(*futures)
    finally:
        await producer.stop()
    return time.perf_counter() - t0


async def consume_all(bootstrap: str, topic: str, count: int, timeout: float = 120) -> dict[str, Any]:
    """Raw consume-only baseline: a fresh group reads `count` records from the beginning."""
    consumer = AIOKafkaConsumer(
        topic,
        **client_options(),
        bootstrap_servers=bootstrap,
        group_id=f"bench-raw-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        isolation_level="read_committed",
        max_poll_records=500,
    )
    await consumer.start()
    seen = 0
    first: float | None = None
    t0 = time.perf_counter()
    try:
        while seen < count and time.perf_counter() - t0 < timeout:
            batch = await consumer.getmany(timeout_ms=500, max_records=500)
            for tp, records in batch.items():
                if records and first is None:
                    first = time.perf_counter()
                seen += len(records)
                await consumer.commit({TopicPartition(tp.topic, tp.partition): records[-1].offset + 1})
        last = time.perf_counter()
    finally:
        await consumer.stop()
    span = last - (first or t0)
    return {
        "events": seen,
        "seconds": round(span, 3),
        "events_per_s": round(seen / span, 1) if span > 0 else None,
        "wall_s_incl_join": round(last - t0, 3),
        "note": "aiokafka getmany + commit per batch, no deserialisation, no database",
    }
