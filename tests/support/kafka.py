"""Read what really is on a Kafka topic (tests assert on the broker's records)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from aiokafka.admin import AIOKafkaAdminClient

from events.envelope import CloudEvent
from events.kafka import KafkaSecurity, client_options


async def read_topic(
    bootstrap: str,
    topic: str,
    until: Callable[[list[ConsumerRecord[bytes, bytes]]], bool],
    timeout: float = 30.0,
    security: KafkaSecurity | None = None,
) -> list[ConsumerRecord[bytes, bytes]]:
    """Every record of a topic from the beginning, until `until(records)` holds (or time runs out)."""
    consumer = AIOKafkaConsumer(
        topic,
        **client_options(security),  # default: the tests' user (KAFKA_* set by the infra fixture)
        bootstrap_servers=bootstrap,
        group_id=f"test-reader-{uuid.uuid4()}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[ConsumerRecord[bytes, bytes]] = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=300)
            for recs in batch.values():
                records.extend(recs)
            if until(records):
                break
    finally:
        await consumer.stop()
    return records


def events_of(records: list[ConsumerRecord[bytes, bytes]]) -> list[CloudEvent]:
    return [CloudEvent.from_json(r.value or b"") for r in records]


async def produce(
    bootstrap: str,
    topic: str,
    value: bytes,
    key: bytes | None = None,
    headers: list[tuple[str, bytes]] | None = None,
    security: KafkaSecurity | None = None,
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **client_options(security))
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=value, key=key, headers=headers or [])
    finally:
        await producer.stop()


async def eventually(check: Callable[[], object], timeout: float = 20.0, interval: float = 0.2) -> object:
    """Poll an async or sync check until it returns something truthy; the last failure is raised."""
    deadline = time.monotonic() + timeout
    last_exc: BaseException | None = None
    while time.monotonic() < deadline:
        try:
            result = check()
            if asyncio.iscoroutine(result):
                result = await result
            if result:
                return result
            last_exc = None
        except AssertionError as exc:
            last_exc = exc
        await asyncio.sleep(interval)
    if last_exc:
        raise last_exc
    raise AssertionError(f"condition not met within {timeout} s")


async def group_offsets(bootstrap: str, group: str, topic: str) -> dict[int, int]:
    """The consumer group's committed offset on each partition of `topic` (none yet: left out)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, **client_options())
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topic}
