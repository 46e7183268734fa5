"""Idempotent consumer: apply each event exactly once in effect, however often Kafka delivers it.

For every record: the handler's writes and a `processed_events` row are committed in
one database transaction (a repeat finds the row and is skipped); the Kafka offset is
committed only after that, and at most once a second while records keep coming (at once when
the topic goes quiet, before partitions are handed to another member, and on stop): an offset
commit is a broker request per poll, and the `processed_events` claim already makes the few
records a crash re-delivers harmless. A record that cannot be parsed, or whose handler keeps
failing on its data, goes to the topic's dead-letter topic with the reason and the
partition keeps flowing. Infrastructure failures (database or broker down) are retried
without limit instead: they say nothing about the event.

There is one path: the handler takes a batch. All records of one poll are applied in ONE
transaction (one claim statement; the handler works set-based), which is what makes
thousands of events per second possible. Should that transaction fail on the data, the
poll is replayed record by record, each as a batch of one through the same handler, so a
poison event is isolated and dead-lettered while the others are applied.

`consumer_worker(spec)` is the one wiring of a service's consumer: the spec says what it
reads and which handler applies it; the service's settings give every consumer setting.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from opentelemetry import trace
from opentelemetry.semconv._incubating.attributes import cloudevents_attributes as cloudevents
from opentelemetry.semconv._incubating.attributes import messaging_attributes as messaging
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.batching import BatchHandler, BatchItem, claim_many, traceparent_of
from events.envelope import CloudEvent
from events.kafka import KafkaSecurity, idempotent_producer, manual_commit_consumer
from events.metrics import (
    CONSUMER_LAG,
    EVENT_PROCESSING_SECONDS,
    EVENTS_DEAD_LETTERED,
    EVENTS_PROCESSED,
    trace_exemplar,
)
from events.poison import PoisonEvent
from events.retrying import CONSUMER, CONSUMER_RESTART, DEAD_LETTER, any_error, is_transient, retrying
from events.topics import TopicNames, dead_letter_topic, expected_source
from events.tracecontext import context_from_headers, spans_recorded, unrecorded_span

log = structlog.get_logger("events.consumer")
tracer = trace.get_tracer("events.consumer")

__all__ = [
    "BatchHandler",
    "ConsumerSpec",
    "DeadLetter",
    "IdempotentConsumer",
    "PoisonEvent",
    "consumer_worker",
    "is_transient",
]


@dataclass(frozen=True)
class DeadLetter:
    record: ConsumerRecord[bytes, bytes]
    reason: str
    event_type: str


class IdempotentConsumer:
    """Runs one consumer group over some topics; `handler` applies the `event_types` it reads."""

    def __init__(
        self,
        *,
        name: str,
        topics: list[str],
        group_id: str,
        bootstrap_servers: str,
        session_factory: async_sessionmaker[AsyncSession],
        event_types: Collection[str],
        handler: BatchHandler,
        max_attempts: int = 3,
        max_batch: int = 500,
        batch_wait_ms: int = 0,
        commit_interval_ms: int = 1000,
        consumer_overrides: dict[str, Any] | None = None,
        security: KafkaSecurity | None = None,
    ) -> None:
        self.name = name
        self._security = security
        self._topics = topics
        self._group_id = group_id
        self._bootstrap = bootstrap_servers
        self._sessions = session_factory
        self._event_types = frozenset(event_types)
        self._handler = handler
        self._max_batch = max_batch
        self._max_attempts = max_attempts
        self._consumer_overrides = dict(consumer_overrides or {})
        if batch_wait_ms > 0:
            # The broker answers a fetch once 1 MiB is there or batch_wait_ms has passed: under load
            # a poll then carries many records, and the per-poll costs (a transaction, an offset
            # commit) are shared by all of them, at the price of up to batch_wait_ms of latency.
            self._consumer_overrides.setdefault("fetch_min_bytes", 1 << 20)
            self._consumer_overrides.setdefault("fetch_max_wait_ms", batch_wait_ms)
        self._consumer: AIOKafkaConsumer | None = None
        self._dlq: AIOKafkaProducer | None = None
        self._last_lag_update = 0.0
        self._positions: dict[TopicPartition, int] = {}
        # Offsets whose records are applied (their database transaction committed) but not yet
        # committed to Kafka: committed every commit_interval_ms, when a poll comes back empty,
        # on revocation and on stop.
        self._commit_interval = commit_interval_ms / 1000
        self._uncommitted: dict[TopicPartition, int] = {}
        self._last_commit = 0.0
        self.batches_replayed = 0  # batches that failed on their data and went record by record
        # Every series at 0 from the start: an alert on increase() then sees the first dead letter too.
        for event_type in (*self._event_types, "unknown"):
            EVENTS_DEAD_LETTERED.labels(name, event_type)

    async def run(self) -> None:
        """Consume until cancelled; after a failure (Kafka gone, a commit refused) start over, backing off."""

        async def restart(_: BaseException) -> None:
            await self._close()

        try:
            # Every failure here is the infrastructure's: the data's are handled per record below.
            await retrying(CONSUMER_RESTART, what="consumer", retry_on=any_error, on_retry=restart, consumer=self.name)(
                self._consume_forever
            )
        finally:
            await self._close()

    async def _consume_forever(self) -> None:
        consumer = manual_commit_consumer(
            [],
            self._bootstrap,
            group_id=self._group_id,
            client_id=f"{self.name}-consumer",
            security=self._security,
            **self._consumer_overrides,
        )
        consumer.subscribe(self._topics, listener=_CommitOnRevoke(self))
        self._consumer = consumer
        async with asyncio.timeout(30):
            await consumer.start()
        log.info("consumer started", consumer=self.name, topics=self._topics, group=self._group_id)
        self._last_commit = time.monotonic()
        while True:
            batch = await consumer.getmany(timeout_ms=500, max_records=self._max_batch)
            if batch:
                await self.handle_batch([r for records in batch.values() for r in records])
                # Only after the batch's database commit (or its records' dead-lettering).
                offsets = {tp: records[-1].offset + 1 for tp, records in batch.items()}
                self._uncommitted.update(offsets)
                self._positions.update(offsets)
            if self._uncommitted and (not batch or time.monotonic() - self._last_commit >= self._commit_interval):
                await self.commit_applied()
            self._update_lag(consumer)

    async def commit_applied(self, partitions: Collection[TopicPartition] | None = None) -> None:
        """Commit the applied records' offsets (of `partitions`, else all) that are still ours."""
        consumer = self._consumer
        if consumer is None:
            return
        assigned = consumer.assignment()
        offsets = {
            tp: offset
            for tp, offset in self._uncommitted.items()
            if tp in assigned and (partitions is None or tp in partitions)
        }
        for tp in [tp for tp in self._uncommitted if tp not in assigned or tp in offsets]:
            del self._uncommitted[tp]  # committed now, or no longer ours (its new owner re-reads, harmlessly)
        self._last_commit = time.monotonic()
        if offsets:
            await consumer.commit(offsets)

    async def handle_record(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """One record on its own: a batch of one."""
        await self.handle_batch([record])

    def _process_span(
        self, record: ConsumerRecord[bytes, bytes], event: CloudEvent, recorded: bool = True
    ) -> trace.Span:
        """The event's `process <topic>` span, a child of the producer's context carried in the headers
        (OpenTelemetry messaging semantic conventions).

        When no span processor would see it (`recorded` False: nothing exports, the usual case
        without OTEL_EXPORTER_OTLP_ENDPOINT), only its context is ever used (the outbox rows'
        traceparent, exemplars, logs): that context alone, as the SDK gives a span its sampler
        drops, costs a third of a recording span (15 against 45 us), and those spans were a
        fifth of the consumer's CPU.
        """
        parent = context_from_headers(record.headers)
        if not recorded:
            return unrecorded_span(parent, f"process {record.topic}", trace.SpanKind.CONSUMER)
        attributes: dict[str, str | int] = {
            messaging.MESSAGING_SYSTEM: messaging.MessagingSystemValues.KAFKA.value,
            messaging.MESSAGING_OPERATION_NAME: "process",
            messaging.MESSAGING_OPERATION_TYPE: messaging.MessagingOperationTypeValues.PROCESS.value,
            messaging.MESSAGING_CONSUMER_GROUP_NAME: self._group_id,
            messaging.MESSAGING_DESTINATION_NAME: record.topic,
            messaging.MESSAGING_DESTINATION_PARTITION_ID: str(record.partition),
            messaging.MESSAGING_KAFKA_OFFSET: record.offset,
            messaging.MESSAGING_MESSAGE_ID: event.id,
            cloudevents.CLOUDEVENTS_EVENT_TYPE: event.type,
            cloudevents.CLOUDEVENTS_EVENT_ID: event.id,
        }
        if record.key is not None:
            attributes[messaging.MESSAGING_KAFKA_MESSAGE_KEY] = record.key.decode("utf-8", "replace")
        if event.subject:
            attributes["deal.id"] = event.subject
        return tracer.start_span(
            f"process {record.topic}",
            context=parent,
            kind=trace.SpanKind.CONSUMER,
            attributes=attributes,
        )

    async def handle_batch(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        """Apply a poll's records in one transaction; on a failure of the data, one by one."""
        pending: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, trace.Span]] = []
        recorded = spans_recorded()
        for record in records:
            try:
                event = CloudEvent.from_json(record.value or b"")
            except (ValidationError, ValueError) as exc:
                await self._dead_letter(DeadLetter(record, f"malformed CloudEvent: {_short(exc)}", "unknown"))
                continue
            if (forged := _foreign_source(record.topic, event)) is not None:
                await self._dead_letter(DeadLetter(record, forged, event.type))
                continue
            if event.type not in self._event_types:
                EVENTS_PROCESSED.labels(self.name, event.type, "ignored").inc()
                continue
            pending.append((record, event, self._process_span(record, event, recorded)))
        if not pending:
            return
        try:
            applied = await self._apply_batch_with_retries(pending)
        except asyncio.CancelledError:
            for _, _, span in pending:
                span.end()
            raise
        except Exception as exc:
            if len(pending) == 1:  # already alone: its own retries and dead-lettering
                record, event, span = pending[0]
                with trace.use_span(span, end_on_exit=True):
                    await self._apply_with_retries(record, event, span, first_error=exc)
                return
            log.warning(
                "batch failed; applying its records one by one",
                consumer=self.name,
                size=len(pending),
                error=f"{type(exc).__name__}: {_short(exc)}",
            )
            self.batches_replayed += 1
            for record, event, span in pending:
                with trace.use_span(span, end_on_exit=True):
                    await self._apply_with_retries(record, event, span)
            return
        outcomes: Counter[tuple[str, str]] = Counter()
        for _, event, span in pending:
            duplicate = event.id not in applied
            applied.discard(event.id)  # a second copy in the same batch is a duplicate
            outcomes[event.type, "duplicate" if duplicate else "applied"] += 1
            span.set_attribute("event.duplicate", duplicate)
            span.end()
        # One increment per (type, outcome): labels() costs more than the event's other bookkeeping.
        for (event_type, outcome), n in outcomes.items():
            EVENTS_PROCESSED.labels(self.name, event_type, outcome).inc(n)

    async def _apply_batch_with_retries(
        self, pending: list[tuple[ConsumerRecord[bytes, bytes], CloudEvent, trace.Span]]
    ) -> set[str]:
        """The ids applied now; infrastructure failures are retried, the data's are raised."""
        started = time.perf_counter()
        recorded = spans_recorded()

        async def attempt() -> set[str]:
            nonlocal started
            started = time.perf_counter()
            with tracer.start_as_current_span(
                f"{self.name} batch",
                # Links only on a span someone sees (each costs as much as a small span).
                links=[trace.Link(span.get_span_context()) for _, _, span in pending] if recorded else None,
                attributes={messaging.MESSAGING_BATCH_MESSAGE_COUNT: len(pending)},
            ):
                return await self.apply_batch([(event, span) for _, event, span in pending])

        applied = await retrying(CONSUMER, what="batch (transient)", consumer=self.name)(attempt)
        elapsed = time.perf_counter() - started
        # Each event waited for the whole batch: one observation each, all in the same bucket. A bucket
        # keeps only its last exemplar, so only each type's last event is given one (it costs 3x the
        # observation).
        counts = Counter(event.type for _, event, _ in pending)
        last = {event.type: span for _, event, span in pending}
        for event_type, n in counts.items():
            timer = EVENT_PROCESSING_SECONDS.labels(self.name, event_type)
            for _ in range(n - 1):
                timer.observe(elapsed)
            timer.observe(elapsed, trace_exemplar(last[event_type]))
        return applied

    async def apply_batch(self, events: Sequence[tuple[CloudEvent, trace.Span]]) -> set[str]:
        """Apply events in one transaction through the handler; the ids that were new."""
        first: dict[str, tuple[CloudEvent, trace.Span]] = {}
        for event, span in events:
            first.setdefault(event.id, (event, span))  # the same event twice in one poll counts once
        async with self._sessions() as session, session.begin():
            claimed = await claim_many(session, self.name, [event for event, _ in first.values()])
            items = [BatchItem(event, traceparent_of(span)) for event, span in first.values() if event.id in claimed]
            if items:
                await self._handler(session, items)
        return claimed

    async def _apply_with_retries(
        self,
        record: ConsumerRecord[bytes, bytes],
        event: CloudEvent,
        span: trace.Span,
        first_error: Exception | None = None,
    ) -> None:
        """One event as a batch of one; after `max_attempts` failures of its data, dead-lettered."""
        attempt = 0
        while True:
            started = time.perf_counter()
            try:
                if first_error is not None:
                    error, first_error = first_error, None
                    raise error
                # Infrastructure failures are retried here without limit; only the data's count as attempts.
                applied = await retrying(CONSUMER, what="event (transient)", consumer=self.name, event_id=event.id)(
                    self.apply_one, event, span
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                attempt += 1
                poison = isinstance(exc, PoisonEvent | ValidationError)
                if poison or attempt >= self._max_attempts:
                    span.record_exception(exc)
                    span.set_status(trace.Status(trace.StatusCode.ERROR, "dead-lettered"))
                    await self._dead_letter(DeadLetter(record, f"{type(exc).__name__}: {_short(exc)}", event.type))
                    return
                log.warning("handler failed; retrying", consumer=self.name, event_id=event.id, attempt=attempt)
                await asyncio.sleep(0.1 * 2**attempt)
                continue
            EVENT_PROCESSING_SECONDS.labels(self.name, event.type).observe(
                time.perf_counter() - started, trace_exemplar(span)
            )
            EVENTS_PROCESSED.labels(self.name, event.type, "applied" if applied else "duplicate").inc()
            span.set_attribute("event.duplicate", not applied)
            return

    async def apply_one(self, event: CloudEvent, span: trace.Span = trace.INVALID_SPAN) -> bool:
        """Apply one event in one transaction (a batch of one); False if it had been applied before."""
        return event.id in await self.apply_batch([(event, span)])

    async def apply(self, event: CloudEvent) -> bool:
        """Apply one event on its own; False if it had been applied before."""
        return await self.apply_one(event)

    async def _dead_letter(self, dead: DeadLetter) -> None:
        record = dead.record
        headers = [
            *(record.headers or ()),
            ("dlq-reason", dead.reason.encode()[:2000]),
            ("dlq-consumer", self.name.encode()),
            ("dlq-original-topic", record.topic.encode()),
            ("dlq-original-partition", str(record.partition).encode()),
            ("dlq-original-offset", str(record.offset).encode()),
        ]

        async def publish() -> None:
            if self._dlq is None:
                producer = idempotent_producer(self._bootstrap, client_id=f"{self.name}-dlq", security=self._security)
                async with asyncio.timeout(15):
                    await producer.start()
                self._dlq = producer
            await self._dlq.send_and_wait(
                dead_letter_topic(record.topic), value=record.value, key=record.key, headers=headers
            )

        async def reconnect(_: BaseException) -> None:
            await self._close_dlq()

        # The offset is not committed until the dead letter is safely stored: retry whatever fails.
        await retrying(DEAD_LETTER, what="dead-letter publish", retry_on=any_error, on_retry=reconnect)(publish)
        EVENTS_DEAD_LETTERED.labels(self.name, dead.event_type).inc()
        EVENTS_PROCESSED.labels(self.name, dead.event_type, "dead_lettered").inc()
        log.error(
            "event dead-lettered",
            consumer=self.name,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=dead.reason,
        )

    def _update_lag(self, consumer: AIOKafkaConsumer) -> None:
        now = time.monotonic()
        if now - self._last_lag_update < 2.0:
            return
        self._last_lag_update = now
        for tp in consumer.assignment():
            highwater = consumer.highwater(tp)
            position = self._positions.get(tp)
            if highwater is not None and position is not None:
                CONSUMER_LAG.labels(self.name, tp.topic, str(tp.partition)).set(max(highwater - position, 0))

    async def _close_dlq(self) -> None:
        producer, self._dlq = self._dlq, None
        if producer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await producer.stop()

    async def _close(self) -> None:
        if self._uncommitted:  # best effort: what is not committed is re-read and skipped
            with contextlib.suppress(Exception):
                async with asyncio.timeout(5):
                    await self.commit_applied()
        self._uncommitted.clear()
        consumer, self._consumer = self._consumer, None
        if consumer is not None:
            with contextlib.suppress(Exception):
                async with asyncio.timeout(10):
                    await consumer.stop()
        await self._close_dlq()


class _CommitOnRevoke(ConsumerRebalanceListener):  # type: ignore[misc]
    """Before a rebalance takes partitions away, commit what was applied on them, so that their
    next owner does not re-read it (it would skip it, but at a cost)."""

    def __init__(self, owner: IdempotentConsumer) -> None:
        self._owner = owner

    async def on_partitions_revoked(self, revoked: Collection[TopicPartition]) -> None:
        with contextlib.suppress(Exception):  # the group may already be gone: the claim covers it
            await self._owner.commit_applied(set(revoked))

    async def on_partitions_assigned(self, assigned: Collection[TopicPartition]) -> None:
        return None


def _foreign_source(topic: str, event: CloudEvent) -> str | None:
    """The dead-letter reason if the event does not come from the topic's owner, else None.

    Kafka's ACLs let only the owner write a topic; this check also holds where they are
    missing or too wide, and catches a service publishing on a topic that is not its own.
    """
    expected = expected_source(topic)
    if expected is None or event.source == expected:
        return None
    return f"source {event.source[:200]!r} may not publish on {topic} (its owner is {expected})"


def _short(exc: BaseException, limit: int = 500) -> str:
    text_ = str(exc).replace("\n", " ")
    return text_[:limit]


class ConsumerSettings(Protocol):
    """The consumer settings of a service (servicekit.settings.ServiceSettings has them all)."""

    kafka_bootstrap_servers: str
    consumer_batch_wait_ms: int

    @property
    def kafka_security(self) -> KafkaSecurity: ...


class WorkerContext(Protocol):
    """What a consumer worker needs of its service (servicekit.app.ServiceContext)."""

    @property
    def settings(self) -> ConsumerSettings: ...

    @property
    def sessions(self) -> async_sessionmaker[Any]: ...  # a service's own session class (e.g. SQLModel's) too

    @property
    def topics(self) -> TopicNames: ...


@dataclass(frozen=True)
class ConsumerSpec:
    """One consumer of a service: its name (consumer group and processed_events name), what it
    reads, and the handler that applies a batch of those events (given the topic names, for
    the events it publishes in turn)."""

    name: str
    topics: Callable[[TopicNames], Sequence[str]]
    event_types: Collection[str]
    handler: Callable[[TopicNames], BatchHandler]

    def consumer(
        self,
        *,
        topics: TopicNames,
        bootstrap_servers: str,
        sessions: async_sessionmaker[AsyncSession],
        batch_wait_ms: int = 0,
        security: KafkaSecurity | None = None,
        name: str | None = None,
    ) -> IdempotentConsumer:
        return IdempotentConsumer(
            name=name or self.name,
            topics=list(self.topics(topics)),
            group_id=topics.group(self.name),
            bootstrap_servers=bootstrap_servers,
            session_factory=sessions,
            event_types=self.event_types,
            handler=self.handler(topics),
            batch_wait_ms=batch_wait_ms,
            security=security,
        )


def consumer_worker(spec: ConsumerSpec) -> Callable[[WorkerContext], Awaitable[None]]:
    """The background worker that runs `spec`'s consumer with the service's settings."""

    async def run(ctx: WorkerContext) -> None:
        settings = ctx.settings
        consumer = spec.consumer(
            topics=ctx.topics,
            bootstrap_servers=settings.kafka_bootstrap_servers,
            sessions=ctx.sessions,
            batch_wait_ms=settings.consumer_batch_wait_ms,
            security=settings.kafka_security,
        )
        await consumer.run()

    run.__name__ = run.__qualname__ = f"{spec.name}_consumer"
    return run
