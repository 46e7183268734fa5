"""What incentives reacts to: event type -> handler."""

from __future__ import annotations

from functools import partial

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import IdempotentConsumer
from events.kafka import KafkaSecurity
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from incentives.service.enrolments import on_partner_event
from incentives.service.reward_batches import on_deal_events
from incentives.service.rewards import on_deal_event
from servicekit.app import ServiceContext

# The deal events that can earn or reverse a reward; the rules decide which do.
REWARDING_EVENT_TYPES = ("deal-registered", "deal-approved", "stage-advanced", "deal-closed", "deal-rejected")


def deal_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = "incentives",
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """The deal-events consumer: a poll's records in one transaction; on a failure of the data, one by one."""
    return IdempotentConsumer(
        name=name,
        topics=[topics.deals],
        group_id=topics.group("incentives"),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers=dict.fromkeys(REWARDING_EVENT_TYPES, partial(on_deal_event, topics=topics)),
        batch_handler=partial(on_deal_events, topics=topics),
        security=security,
    )


def partner_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str = "incentives-partners",
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """The enrolment read model's consumer (partners.v1), its own group and processed_events name."""
    return IdempotentConsumer(
        name=name,
        topics=[topics.partners],
        group_id=topics.group("incentives-partners"),
        bootstrap_servers=bootstrap_servers,
        session_factory=sessions,  # type: ignore[arg-type]
        handlers=dict.fromkeys(PARTNER_EVENT_TYPES, on_partner_event),  # type: ignore[arg-type]
        security=security,
    )


async def partner_events_worker(ctx: ServiceContext) -> None:
    consumer = partner_events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
        security=ctx.settings.kafka_security,
    )
    await consumer.run()


async def deal_events_worker(ctx: ServiceContext) -> None:
    consumer = deal_events_consumer(
        topics=ctx.topics,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        sessions=ctx.sessions,
        security=ctx.settings.kafka_security,
    )
    await consumer.run()
