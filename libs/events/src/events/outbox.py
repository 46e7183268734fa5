"""Transactional outbox: write events with the state change, publish them afterwards.

`enqueue()` runs inside the caller's database transaction, so an event exists if and
only if the change that caused it was committed. `OutboxRelay` publishes unsent rows
to Kafka in id order and marks them sent; Kafka being down means rows wait.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import zlib
from collections.abc import Mapping, Sequence
from typing import Any

import asyncpg
import structlog
from aiokafka import AIOKafkaProducer
from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import cloudevents_attributes as cloudevents
from opentelemetry.semconv._incubating.attributes import messaging_attributes as messaging
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from events.envelope import CONTENT_TYPE, CloudEvent
from events.kafka import KafkaSecurity, idempotent_producer
from events.metrics import OUTBOX_BACKLOG, OUTBOX_OLDEST_AGE, OUTBOX_PUBLISH_ERRORS, OUTBOX_PUBLISHED
from events.pglisten import listen_forever
from events.retrying import RELAY, is_transient, retrying
from events.tables import OUTBOX_CHANNEL
from events.tracecontext import (
    context_from_traceparent,
    current_traceparent,
    inject_headers,
    spans_recorded,
    unrecorded_span,
)

log = structlog.get_logger("events.outbox")
tracer = trace.get_tracer("events.outbox")

_INSERT = text(
    "INSERT INTO outbox (event_id, topic, key, payload, traceparent) "
    "VALUES (:event_id, :topic, :key, :payload, :traceparent)"
)
_NOTIFY = text(f"SELECT pg_notify('{OUTBOX_CHANNEL}', '')")

# The relay's statements (asyncpg, prepared once per connection).
# Session-level: held by the publishing relay's connection for as long as it lives.
_TRY_RELAY_LOCK = "SELECT pg_try_advisory_lock($1)"
# No row locks: only the lock-holding relay reads and marks these rows.
_UNSENT = "SELECT id, event_id, topic, key, payload, traceparent FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT $1"
_MARK_SENT = "UPDATE outbox SET sent_at = now() WHERE id = ANY($1::bigint[])"
# The relay's gauges and `platformctl outbox status` read the backlog the same way.
BACKLOG_SQL = (
    "SELECT count(*) AS n, EXTRACT(EPOCH FROM now() - min(created_at)) AS age FROM outbox WHERE sent_at IS NULL"
)
# The last cycle's marks and this cycle's read in one round trip (when more rows were already
# waiting). The read's snapshot predates the update, so it leaves the marked ids out itself.
_MARK_THEN_UNSENT = (
    "WITH marked AS (UPDATE outbox SET sent_at = now() WHERE id = ANY($2::bigint[]))"
    " SELECT id, event_id, topic, key, payload, traceparent FROM outbox"
    " WHERE sent_at IS NULL AND id <> ALL($2::bigint[]) ORDER BY id LIMIT $1"
)


async def enqueue(
    session: AsyncSession | AsyncConnection, events: Sequence[tuple[str, str | None, CloudEvent]]
) -> None:
    """Add (topic, key, event) rows to the outbox in the caller's transaction.

    The current trace context is saved with each row so the trace continues through
    Kafka; NOTIFY wakes the relay when the transaction commits.
    """
    if not events:
        return
    traceparent = current_traceparent()
    await session.execute(
        _INSERT,
        [
            {"event_id": e.id, "topic": topic, "key": key, "payload": e.to_json(), "traceparent": traceparent}
            for topic, key, e in events
        ],
    )
    await session.execute(_NOTIFY)


def send_attributes(row: Mapping[str, Any]) -> dict[str, str]:
    """The `send <topic>` span's attributes (OpenTelemetry messaging semantic conventions)."""
    attributes = {
        messaging.MESSAGING_SYSTEM: messaging.MessagingSystemValues.KAFKA.value,
        messaging.MESSAGING_OPERATION_NAME: "send",
        messaging.MESSAGING_OPERATION_TYPE: messaging.MessagingOperationTypeValues.SEND.value,
        messaging.MESSAGING_DESTINATION_NAME: row["topic"],
        messaging.MESSAGING_MESSAGE_ID: row["event_id"],
        cloudevents.CLOUDEVENTS_EVENT_ID: row["event_id"],
    }
    if row["key"]:
        attributes[messaging.MESSAGING_KAFKA_MESSAGE_KEY] = row["key"]
    return attributes


def _relay_lock_key(name: str) -> int:
    # One relay publishes at a time per database (replicas stand by): order per key holds.
    return zlib.crc32(f"outbox-relay:{name}".encode())


class OutboxRelay:
    """Publishes outbox rows to Kafka: wakes on LISTEN/NOTIFY, polls as a fallback.

    It works on one asyncpg connection of its own, with fixed SQL: a wake-up per committed
    registration is the common case under load, so each cycle is two round trips (read the
    unsent rows, mark them sent after Kafka acked them); when more rows are already waiting, the
    marks ride on the next cycle's read, which follows at once: one round trip. The relay whose connection holds a
    session-level advisory lock publishes; other replicas' relays stand by and take over when
    that connection ends (the lock goes with it). Rows acked but not yet marked when a relay
    dies are published again: at least once, and consumers are idempotent.
    """

    def __init__(
        self,
        *,
        dsn: str,
        bootstrap_servers: str,
        service: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        producer_overrides: dict[str, Any] | None = None,
        security: KafkaSecurity | None = None,
    ) -> None:
        self._dsn = dsn
        self._security = security
        self._bootstrap = bootstrap_servers
        self._service = service
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._producer_overrides = producer_overrides or {}
        self._producer: AIOKafkaProducer | None = None
        self._con: asyncpg.Connection | None = None
        self._leader = False  # this relay's connection holds the relay lock
        self._wake = asyncio.Event()
        self._lock_key = _relay_lock_key(service)
        self._last_backlog_check = 0.0
        # Acked by Kafka, to be marked sent by the next cycle's read (which runs at once).
        self._acked_unmarked: list[int] = []

    @property
    def publishing(self) -> bool:
        """Whether this relay holds the lock: it is the one publishing (the others stand by)."""
        return self._leader

    async def run(self) -> None:
        listener = asyncio.create_task(listen_forever(self._dsn, OUTBOX_CHANNEL, self._wake), name="outbox-listen")
        try:
            while True:
                published = await retrying(
                    RELAY, what="outbox publish", retry_on=is_transient, on_retry=self._after_failure
                )(self._cycle)
                if published >= self._batch_size:
                    continue
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_interval):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
            await self._reset_producer()
            await self._reset_connection()

    async def _cycle(self) -> int:
        published = await self.publish_batch()
        await self._update_backlog_metrics()
        return published

    async def _after_failure(self, _: BaseException) -> None:
        """Kafka or the database failed mid-cycle: start the next attempt from fresh connections."""
        OUTBOX_PUBLISH_ERRORS.inc()
        await self._reset_producer()
        await self._reset_connection()

    async def _connection(self) -> asyncpg.Connection:
        if self._con is None or self._con.is_closed():
            self._leader = False
            self._con = await asyncpg.connect(
                self._dsn,
                timeout=10,
                server_settings={
                    "application_name": f"{self._service}-outbox-relay",
                    # Marking rows sent need not wait for the disk: a mark lost in a crash only
                    # means those rows are published again, which consumers already absorb.
                    "synchronous_commit": "off",
                },
            )
        return self._con

    async def _reset_connection(self) -> None:
        con, self._con = self._con, None
        self._leader = False
        if con is not None and not con.is_closed():
            with contextlib.suppress(Exception):
                async with asyncio.timeout(2):
                    await con.close()

    async def publish_batch(self) -> int:
        """Publish up to one batch of unsent rows; returns how many were published."""
        con = await self._connection()
        if not self._leader:
            self._leader = bool(await con.fetchval(_TRY_RELAY_LOCK, self._lock_key))
            if not self._leader:
                return 0  # another replica's relay is publishing
        if self._acked_unmarked:
            rows = await con.fetch(_MARK_THEN_UNSENT, self._batch_size, self._acked_unmarked)
            self._acked_unmarked = []
        else:
            rows = await con.fetch(_UNSENT, self._batch_size)
        if not rows:
            return 0
        producer = await self._ensure_producer()
        futures = []
        recorded = spans_recorded()
        for row in rows:
            headers: list[tuple[str, bytes]] = [("content-type", CONTENT_TYPE.encode())]
            parent = context_from_traceparent(row["traceparent"])
            name = f"send {row['topic']}"
            if recorded:
                with tracer.start_as_current_span(
                    name, context=parent, kind=trace.SpanKind.PRODUCER, attributes=send_attributes(row)
                ):
                    inject_headers(headers)
            else:
                # No span processor would see the send span: the record carries its context alone
                # (events.tracecontext.unrecorded_span), a third of the cost.
                span = unrecorded_span(parent or otel_context.get_current(), name, trace.SpanKind.PRODUCER)
                inject_headers(headers, trace.set_span_in_context(span))
            futures.append(
                await producer.send(
                    row["topic"],
                    value=bytes(row["payload"]),
                    key=row["key"].encode() if row["key"] else None,
                    headers=headers,
                )
            )
        # Wait for every ack (acks=all) before the rows count as sent.
        try:
            async with asyncio.timeout(30):
                await asyncio.gather(*futures)
        except BaseException:
            # A send failed (or timed out): the retry starts from a fresh connection and publishes
            # every unmarked row again. Mark the prefix Kafka did ack, in id order, so that only the
            # rest is sent twice; never a row that was not acked.
            await self._mark_acked_prefix(con, rows, futures)
            raise
        ids = [r["id"] for r in rows]
        if len(rows) >= self._batch_size or self._wake.is_set():
            self._acked_unmarked = ids  # the next cycle starts at once: its read marks these
        else:
            await con.execute(_MARK_SENT, ids)
        for row in rows:
            OUTBOX_PUBLISHED.labels(row["topic"]).inc()
        return len(rows)

    @staticmethod
    async def _mark_acked_prefix(con: asyncpg.Connection, rows: Sequence[Any], futures: Sequence[Any]) -> None:
        acked = []
        for row, future in zip(rows, futures, strict=True):
            if not future.done() or future.cancelled() or future.exception() is not None:
                break
            acked.append(row["id"])
        if acked:
            # Best effort: if the database is what failed, these rows are published again (at least once).
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await con.execute(_MARK_SENT, acked)

    async def _ensure_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = idempotent_producer(
                self._bootstrap,
                client_id=f"{self._service}-outbox",
                security=self._security,
                **self._producer_overrides,
            )
            try:
                async with asyncio.timeout(15):
                    await producer.start()
            except BaseException:
                with contextlib.suppress(Exception):
                    await producer.stop()
                raise
            self._producer = producer
        return self._producer

    async def _reset_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await producer.stop()

    async def _update_backlog_metrics(self) -> None:
        now = time.monotonic()
        if now - self._last_backlog_check < 5.0:
            return
        self._last_backlog_check = now
        row = await (await self._connection()).fetchrow(BACKLOG_SQL)
        assert row is not None
        OUTBOX_BACKLOG.set(row["n"])
        OUTBOX_OLDEST_AGE.set(float(row["age"] or 0))
