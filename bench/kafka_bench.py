"""Kafka on its own: produce -> consume round trip, pre-produced deal events, raw consume rate."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from events.envelope import CONTENT_TYPE
from events.kafka import client_options, ensure_topics, idempotent_producer
from support.events import deal_data, deal_event


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
    """A deal-registered event as dealreg publishes it (tests/support/events.py builds it)."""
    data = deal_data(partner_id=partner_id, rep_id=f"rep-{n % reps}")
    data["customer"] = {"name": f"Replay {n}", "domain": f"replay{n}.example", "country": "US"}
    event = deal_event("deal-registered", data)
    return data["id"].encode(), event.to_json()


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
