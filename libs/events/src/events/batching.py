"""Set-based helpers for consumers that apply a whole poll of records in one transaction.

A round trip to PostgreSQL costs more than the work most events need, so a batch path
claims every event id in one statement and writes the outbox rows of the whole batch in
one statement; each row still carries the trace context of the event that caused it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from opentelemetry import trace
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from events.envelope import CloudEvent
from events.tables import OUTBOX_CHANNEL


@dataclass(frozen=True, slots=True)
class BatchItem:
    """A claimed event and the traceparent of its `process` span (for the rows it causes)."""

    event: CloudEvent
    traceparent: str | None


# Called with the new (claimed, first-seen) events of a batch, in delivery order per partition.
BatchHandler = Callable[[AsyncSession, Sequence[BatchItem]], Awaitable[None]]

_CLAIM_MANY = text(
    "INSERT INTO processed_events (consumer, event_id, event_type) "
    "SELECT :c, e, t FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[])) AS u(e, t) "
    "ON CONFLICT DO NOTHING RETURNING event_id"
)

# One statement: the rows, then one NOTIFY that wakes the relay when the transaction commits.
_ENQUEUE_MANY = text(  # built from constants only
    "WITH rows AS ("  # noqa: S608
    " INSERT INTO outbox (event_id, topic, key, payload, traceparent)"
    " SELECT * FROM unnest(CAST(:ids AS text[]), CAST(:topics AS text[]), CAST(:keys AS text[]),"
    " CAST(:payloads AS bytea[]), CAST(:traceparents AS text[])) RETURNING 1"
    f") SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)


async def claim_many(session: AsyncSession | AsyncConnection, consumer: str, events: Sequence[CloudEvent]) -> set[str]:
    """Record the events as processed by `consumer`; the ids not processed before (ids must be distinct)."""
    if not events:
        return set()
    result = await session.execute(
        _CLAIM_MANY, {"c": consumer, "ids": [e.id for e in events], "types": [e.type for e in events]}
    )
    return {row[0] for row in result}


async def enqueue_many(
    session: AsyncSession | AsyncConnection,
    rows: Sequence[tuple[str, str | None, CloudEvent, str | None]],
) -> None:
    """Add (topic, key, event, traceparent) rows to the outbox in the caller's transaction, one statement."""
    if not rows:
        return
    await session.execute(
        _ENQUEUE_MANY,
        {
            "ids": [e.id for _, _, e, _ in rows],
            "topics": [topic for topic, _, _, _ in rows],
            "keys": [key for _, key, _, _ in rows],
            "payloads": [e.to_json() for _, _, e, _ in rows],
            "traceparents": [tp for _, _, _, tp in rows],
        },
    )


def traceparent_of(span: trace.Span) -> str | None:
    """The W3C traceparent naming `span` (what the outbox saves so the trace continues).

    Formatted directly (what the tracecontext propagator writes): it runs once per event.
    """
    ctx = span.get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"


__all__ = ["BatchHandler", "BatchItem", "claim_many", "enqueue_many", "traceparent_of"]
