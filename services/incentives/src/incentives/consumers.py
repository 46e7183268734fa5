"""What incentives reacts to: event type -> handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchHandler, BatchItem
from events.consumer import Handler, IdempotentConsumer
from events.envelope import CloudEvent
from events.topics import TopicNames
from incentives.service.reward_batches import on_deal_events
from incentives.service.rewards import on_deal_event
from servicekit.app import ServiceContext

EventHandler = Callable[[AsyncSession, CloudEvent, TopicNames], Awaitable[None]]

# The deal events that can earn or reverse a reward; the rules decide which do.
HANDLERS: dict[str, EventHandler] = {
    "deal-registered": on_deal_event,
    "deal-approved": on_deal_event,
    "stage-advanced": on_deal_event,
    "deal-closed": on_deal_event,
    "deal-rejected": on_deal_event,
}


def _bind(handler: EventHandler, topics: TopicNames) -> Handler:
    async def bound(session: AsyncSession, event: CloudEvent) -> None:
        await handler(session, event, topics)

    return bound  # type: ignore[return-value]


def _bind_batch(topics: TopicNames) -> BatchHandler:
    async def bound(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        await on_deal_events(session, items, topics)

    return bound  # type: ignore[return-value]


def deal_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = "incentives",
) -> IdempotentConsumer:
    """The deal-events consumer: a poll's records in one transaction; on a failure of the data, one by one."""
    return IdempotentConsumer(
        name=name,
        topics=[topics.deals],
        group_id=topics.group("incentives"),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers={t: _bind(h, topics) for t, h in HANDLERS.items()},
        batch_handler=_bind_batch(topics),
    )


async def deal_events_worker(ctx: ServiceContext) -> None:
    consumer = deal_events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
    )
    await consumer.run()
