"""notifications' background workers: the event consumer and the delivery worker."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import IdempotentConsumer
from events.kafka import KafkaSecurity
from events.topics import TopicNames
from notifications.config import Settings
from notifications.domain.routing import KNOWN_EVENT_TYPES
from notifications.service.delivery import DeliveryWorker
from notifications.service.intake import on_event, on_events
from servicekit.app import ServiceContext

CONSUMER_NAME = "notifications"


def events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = CONSUMER_NAME,
    batch_wait_ms: int = 0,
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """Every event of deals, incentives and pipeline: stored, and queued for its subscribers.

    A poll's events in one transaction (on_events); on a failure of the data the consumer
    replays them record by record through on_event, which isolates the bad one.
    """
    return IdempotentConsumer(
        name=name,
        topics=[topics.deals, topics.incentives, topics.pipeline],
        group_id=topics.group(CONSUMER_NAME),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers=dict.fromkeys(KNOWN_EVENT_TYPES, on_event),  # type: ignore[arg-type]
        batch_handler=on_events,  # type: ignore[arg-type]
        batch_wait_ms=batch_wait_ms,
        security=security,
    )


async def events_worker(ctx: ServiceContext) -> None:
    consumer = events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
        batch_wait_ms=ctx.settings.consumer_batch_wait_ms,
        security=ctx.settings.kafka_security,
    )
    await consumer.run()


async def delivery_worker(ctx: ServiceContext) -> None:
    assert isinstance(ctx.settings, Settings)
    await DeliveryWorker(ctx.sessions, ctx.settings).run()
