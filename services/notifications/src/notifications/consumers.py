"""notifications' consumer: every event of deals, incentives and pipeline, kept and queued for its subscribers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.batching import BatchHandler, BatchItem
from events.consumer import ConsumerSpec, IdempotentConsumer, consumer_worker
from events.kafka import KafkaSecurity
from events.topics import TopicNames
from notifications.adapters.store import PgStore
from notifications.domain.routing import KNOWN_EVENT_TYPES
from notifications.service.intake import take_in


async def _take_in(session: AsyncSession, items: Sequence[BatchItem]) -> None:
    await take_in(PgStore(session), items)


def _handler(_: TopicNames) -> BatchHandler:
    return _take_in  # notifications publishes nothing: the topic names are not needed


# A poll's events in one transaction; on a failure of the data the consumer replays them
# record by record (each a batch of one), which isolates the bad one.
EVENTS = ConsumerSpec(
    name="notifications",
    topics=lambda t: [t.deals, t.incentives, t.pipeline],
    event_types=KNOWN_EVENT_TYPES,
    handler=_handler,
)
CONSUMER_NAME = EVENTS.name

events_worker = consumer_worker(EVENTS)


def events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = CONSUMER_NAME,
    batch_wait_ms: int = 0,
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """EVENTS' consumer (tests give it a name of its own)."""
    return EVENTS.consumer(
        topics=topics,
        bootstrap_servers=bootstrap_servers,
        sessions=sessions,
        name=name,
        batch_wait_ms=batch_wait_ms,
        security=security,
    )
