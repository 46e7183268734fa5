"""What incentives reacts to: event type -> handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import Handler, IdempotentConsumer
from events.envelope import CloudEvent
from events.topics import TopicNames
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


async def deal_events_worker(ctx: ServiceContext) -> None:
    consumer = IdempotentConsumer(
        name="incentives",
        topics=[ctx.topics.deals],
        group_id=ctx.topics.group("incentives"),
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        session_factory=ctx.sessions,  # type: ignore[arg-type]
        handlers={t: _bind(h, ctx.topics) for t, h in HANDLERS.items()},
    )
    await consumer.run()
