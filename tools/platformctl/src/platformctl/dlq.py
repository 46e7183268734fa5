"""`platformctl dlq list|show|replay <topic>`: read `<topic>.dlq`, re-publish what was fixed.

A consumer dead-letters a record it cannot apply (events.consumer.IdempotentConsumer._dead_letter)
unchanged, key and headers included, adding `dlq-reason`, `dlq-consumer` and
`dlq-original-topic|partition|offset`. A replay sends the record back to the topic it came
from with its own key, value and headers (the `dlq-*` ones removed), so it lands on the same
partition, in the deal's order from then on, and its trace continues. Replaying is safe to
repeat: every consumer claims an event id in its database in the transaction that applies it
(`processed_events`), so a copy it already applied is skipped, and the consumers that had
applied the record the first time skip it too.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import json
import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from events.kafka import client_options, idempotent_producer, topic_partitions
from events.topics import dead_letter_topic
from platformctl.config import Connections

audit_log = logging.getLogger("platformctl.audit")
DLQ_HEADER_PREFIX = "dlq-"
READ_TIMEOUT = 60.0


@dataclass(frozen=True)
class Position:
    """A record's place in the dead-letter topic, written `partition:offset`."""

    partition: int
    offset: int

    @classmethod
    def parse(cls, text: str) -> Position:
        partition, sep, offset = text.partition(":")
        if not sep or not partition.isdigit() or not offset.isdigit():
            raise ValueError(f"{text!r} is not partition:offset (say 1:42)")
        return cls(int(partition), int(offset))

    def __str__(self) -> str:
        return f"{self.partition}:{self.offset}"


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    partition: int
    offset: int
    timestamp: datetime
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def of(cls, record: ConsumerRecord[bytes, bytes]) -> DeadLetter:
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC),
            key=record.key,
            value=record.value or b"",
            headers=tuple((k, v or b"") for k, v in record.headers or ()),
        )

    @property
    def position(self) -> Position:
        return Position(self.partition, self.offset)

    def header(self, name: str) -> str | None:
        """The header's last value: a record dead-lettered again after a replay carries both."""
        values = [v for k, v in self.headers if k == name]
        return values[-1].decode("utf-8", "replace") if values else None

    def original_headers(self) -> list[tuple[str, bytes]]:
        """The headers the record had before it was dead-lettered (traceparent, content-type...)."""
        return [(k, v) for k, v in self.headers if not k.startswith(DLQ_HEADER_PREFIX)]

    def _event(self) -> dict[str, Any]:
        try:
            parsed = json.loads(self.value)
        except ValueError:
            return {}
        return parsed if isinstance(parsed, dict) else {}

    def summary(self) -> dict[str, Any]:
        event = self._event()
        return {
            "position": str(self.position),
            "dead_lettered_at": self.timestamp.isoformat(),
            "consumer": self.header("dlq-consumer"),
            "event_type": event.get("type"),
            "event_id": event.get("id"),
            "key": self.key.decode("utf-8", "replace") if self.key is not None else None,
            "original": f"{self.header('dlq-original-partition')}:{self.header('dlq-original-offset')}",
            "reason": self.header("dlq-reason"),
        }

    def detail(self) -> dict[str, Any]:
        event = self._event()
        return {
            **self.summary(),
            "topic": self.topic,
            "original_topic": self.header("dlq-original-topic"),
            "headers": {k: v.decode("utf-8", "replace") for k, v in self.headers},
            "event": event or self.value.decode("utf-8", "replace"),
        }


@dataclass(frozen=True)
class Page:
    items: list[DeadLetter]
    next_after: Position | None  # where the next page starts (--after), None on the last page


def _reader(conns: Connections) -> AIOKafkaConsumer:
    # No group: nothing is committed, no consumer group is joined or disturbed.
    return AIOKafkaConsumer(
        **client_options(conns.security),
        bootstrap_servers=conns.bootstrap_servers,
        group_id=None,
        client_id="platformctl-dlq",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )


async def _read_range(
    consumer: AIOKafkaConsumer, tp: TopicPartition, start: int, end: int, limit: int
) -> list[DeadLetter]:
    """Up to `limit` records of one partition in [start, end)."""
    out: list[DeadLetter] = []
    if start >= end or limit <= 0:
        return out
    consumer.seek(tp, start)
    async with asyncio.timeout(READ_TIMEOUT):
        while len(out) < limit and await consumer.position(tp) < end:
            batch = await consumer.getmany(tp, timeout_ms=1000, max_records=min(500, limit - len(out)))
            out.extend(DeadLetter.of(r) for r in batch.get(tp, []) if r.offset < end)
    return out[:limit]


async def list_page(conns: Connections, topic: str, *, limit: int, after: Position | None = None) -> Page:
    """The dead letters of `topic` in (partition, offset) order, `limit` at a time after `after`."""
    dlq = dead_letter_topic(conns.topic(topic))
    partitions = await topic_partitions(conns.bootstrap_servers, dlq, "platformctl-dlq", conns.security)
    consumer = _reader(conns)
    await consumer.start()
    try:
        tps = [TopicPartition(dlq, p) for p in partitions if after is None or p >= after.partition]
        consumer.assign(tps)
        begins, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        items: list[DeadLetter] = []
        for tp in tps:
            start = begins[tp]
            if after is not None and tp.partition == after.partition:
                start = max(start, after.offset + 1)
            # One more than asked for tells whether there is a next page.
            items += await _read_range(consumer, tp, start, ends[tp], limit + 1 - len(items))
            if len(items) > limit:
                break
    finally:
        await consumer.stop()
    more = len(items) > limit
    items = items[:limit]
    return Page(items, items[-1].position if more and items else None)


async def read_all(conns: Connections, topic: str) -> list[DeadLetter]:
    items: list[DeadLetter] = []
    after: Position | None = None
    while True:
        page = await list_page(conns, topic, limit=1000, after=after)
        items += page.items
        if page.next_after is None:
            return items
        after = page.next_after


async def fetch(conns: Connections, topic: str, positions: Iterable[Position]) -> list[DeadLetter]:
    """The records at these positions; LookupError names one that does not exist."""
    dlq = dead_letter_topic(conns.topic(topic))
    wanted = list(dict.fromkeys(positions))
    consumer = _reader(conns)
    await consumer.start()
    try:
        tps = sorted({TopicPartition(dlq, p.partition) for p in wanted})
        known = set(await topic_partitions(conns.bootstrap_servers, dlq, "platformctl-dlq", conns.security))
        if missing := [tp.partition for tp in tps if tp.partition not in known]:
            raise LookupError(f"{dlq} has no partition {missing[0]}")
        consumer.assign(tps)
        begins, ends = await consumer.beginning_offsets(tps), await consumer.end_offsets(tps)
        found: list[DeadLetter] = []
        for p in wanted:
            tp = TopicPartition(dlq, p.partition)
            if not begins[tp] <= p.offset < ends[tp]:
                raise LookupError(f"{dlq} has no record at {p} (partition {p.partition}: {begins[tp]}..{ends[tp] - 1})")
            records = await _read_range(consumer, tp, p.offset, ends[tp], 1)
            if not records or records[0].offset != p.offset:
                raise LookupError(f"{dlq} has no record at {p} (a transaction marker, or compacted away)")
            found.append(records[0])
    finally:
        await consumer.stop()
    return found


def operator_name() -> str:
    return os.environ.get("PLATFORMCTL_OPERATOR") or getpass.getuser()


async def replay(conns: Connections, topic: str, letters: list[DeadLetter], operator: str) -> list[dict[str, Any]]:
    """Re-publish each dead letter to its original topic; one audit entry per record, as sent."""
    dlq = dead_letter_topic(conns.topic(topic))
    target = conns.topic(topic)
    for letter in letters:
        claimed = letter.header("dlq-original-topic")
        if claimed is not None and claimed != target:
            raise ValueError(f"{dlq} {letter.position} came from {claimed}, not {target}: not replayed")
    producer = idempotent_producer(conns.bootstrap_servers, client_id="platformctl-replay", security=conns.security)
    async with asyncio.timeout(30):
        await producer.start()
    entries: list[dict[str, Any]] = []
    try:
        for letter in letters:
            sent = await producer.send_and_wait(
                target, value=letter.value, key=letter.key, headers=letter.original_headers()
            )
            summary = letter.summary()
            entry = {
                "action": "dlq-replay",
                "operator": operator,
                "host": socket.gethostname(),
                "at": datetime.now(UTC).isoformat(),
                "dlq_topic": dlq,
                "dlq_position": str(letter.position),
                "topic": target,
                "position": f"{sent.partition}:{sent.offset}",
                "event_id": summary["event_id"],
                "event_type": summary["event_type"],
                "key": summary["key"],
            }
            write_audit(entry)
            entries.append(entry)
    finally:
        with contextlib.suppress(Exception):
            await producer.stop()
    return entries


def write_audit(entry: dict[str, Any]) -> None:
    """The JSON audit line: logged (stderr), and appended to PLATFORMCTL_AUDIT_LOG when set."""
    line = json.dumps(entry, sort_keys=True)
    audit_log.info(line)
    if path := os.environ.get("PLATFORMCTL_AUDIT_LOG"):
        with open(path, "a", encoding="utf-8") as f:
            f.write(line + "\n")
