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

# For services writing outbox rows inside a statement of their own on a raw asyncpg connection.
OUTBOX_COLUMNS = ("event_id", "topic", "key", "payload", "traceparent")
_OUTBOX_TYPES = ("text", "text", "text", "bytea", "text")


def unnest_rows_sql(columns: Sequence[str], types: Sequence[str], first: int) -> str:
    """`SELECT <columns> FROM unnest($first::type[], ...)` in array order (asyncpg's numbered parameters)."""
    params = ", ".join(f"${first + i}::{t}[]" for i, t in enumerate(types))
    names = ", ".join(columns)
    return f"SELECT {names} FROM unnest({params}) WITH ORDINALITY AS u({names}, n) ORDER BY n"  # noqa: S608


def outbox_insert_sql(first: int) -> str:
    """`INSERT INTO outbox ...` of rows given as five arrays ($first.., see outbox_arrays), in order."""
    return f"INSERT INTO outbox ({', '.join(OUTBOX_COLUMNS)}) {unnest_rows_sql(OUTBOX_COLUMNS, _OUTBOX_TYPES, first)}"


def outbox_arrays(rows: Sequence[tuple[str, str | None, CloudEvent, str | None]]) -> list[list[object]]:
    """(topic, key, event, traceparent) rows as the five arrays outbox_insert_sql reads."""
    return [
        [e.id for _, _, e, _ in rows],
        [topic for topic, _, _, _ in rows],
        [key for _, key, _, _ in rows],
        [e.to_json() for _, _, e, _ in rows],
        [tp for _, _, _, tp in rows],
    ]


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
    names = ("ids", "topics", "keys", "payloads", "traceparents")
    await session.execute(_ENQUEUE_MANY, dict(zip(names, outbox_arrays(rows), strict=True)))


def traceparent_of(span: trace.Span) -> str | None:
    """The W3C traceparent naming `span` (what the outbox saves so the trace continues).

    Formatted directly (what the tracecontext propagator writes): it runs once per event.
    """
    ctx = span.get_span_context()
    if not ctx.is_valid:
        return None
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"


__all__ = ["BatchHandler", "BatchItem", "claim_many", "enqueue_many", "traceparent_of"]
