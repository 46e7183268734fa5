"""What pipeline reacts to: every deals.v1 event, folded into the deal read model, and every
partners.v1 event, folded into the enrolment read model (two consumers, two groups)."""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import Handler, IdempotentConsumer
from events.kafka import KafkaSecurity
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from pipeline.domain.read_model import DEAL_EVENT_TYPES
from pipeline.service.deal_batches import on_deal_events
from pipeline.service.deal_events import on_deal_event
from pipeline.service.enrolments import on_enrolment_event
from servicekit.app import ServiceContext

CONSUMER_NAME = "pipeline"
ENROLMENTS_CONSUMER_NAME = "pipeline-enrolments"


def handlers(topics: TopicNames) -> dict[str, Handler]:
    """One handler for every deal event type; other types are ignored by the consumer."""
    handler: Handler = partial(on_deal_event, topics=topics)
    return dict.fromkeys(sorted(DEAL_EVENT_TYPES), handler)


def deal_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = CONSUMER_NAME,
    batch_wait_ms: int = 0,
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """A poll's records in one transaction (on_deal_events); on a failure of the data, one by
    one through on_deal_event, which dead-letters the bad event."""
    return IdempotentConsumer(
        name=name,
        topics=[topics.deals],
        group_id=topics.group(CONSUMER_NAME),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers=handlers(topics),
        batch_handler=partial(on_deal_events, topics=topics),
        batch_wait_ms=batch_wait_ms,
        security=security,
    )


async def deal_events_worker(ctx: ServiceContext) -> None:
    consumer = deal_events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
        batch_wait_ms=ctx.settings.consumer_batch_wait_ms,
        security=ctx.settings.kafka_security,
    )
    await consumer.run()


def enrolment_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = ENROLMENTS_CONSUMER_NAME,
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """partners.v1, one event per transaction (enrolments change rarely): the enrolment and its
    processed_events row commit together."""
    return IdempotentConsumer(
        name=name,
        topics=[topics.partners],
        group_id=topics.group(ENROLMENTS_CONSUMER_NAME),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers=dict.fromkeys(PARTNER_EVENT_TYPES, on_enrolment_event),  # type: ignore[arg-type]
        security=security,
    )


async def enrolment_events_worker(ctx: ServiceContext) -> None:
    consumer = enrolment_events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
        security=ctx.settings.kafka_security,
    )
    await consumer.run()
