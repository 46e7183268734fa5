"""What pipeline reacts to: every deals.v1 event, folded into the read model."""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import Handler, IdempotentConsumer
from events.envelope import CloudEvent
from events.topics import TopicNames
from pipeline.domain.read_model import DEAL_EVENT_TYPES
from pipeline.service.deal_events import on_deal_event
from servicekit.app import ServiceContext

CONSUMER_NAME = "pipeline"


def _bind(topics: TopicNames) -> Handler:
    async def bound(session: AsyncSession, event: CloudEvent) -> None:
        await on_deal_event(session, event, topics)

    return bound  # type: ignore[return-value]


def handlers(topics: TopicNames) -> dict[str, Handler]:
    """One handler for every deal event type; other types are ignored by the consumer."""
    handler = _bind(topics)
    return dict.fromkeys(sorted(DEAL_EVENT_TYPES), handler)


async def deal_events_worker(ctx: ServiceContext) -> None:
    consumer = IdempotentConsumer(
        name=CONSUMER_NAME,
        topics=[ctx.topics.deals],
        group_id=ctx.topics.group(CONSUMER_NAME),
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        session_factory=ctx.sessions,  # type: ignore[arg-type]
        handlers=handlers(ctx.topics),
    )
    await consumer.run()
