"""What incentives reacts to: its two consumers, each one spec run by events.consumer.consumer_worker.

Each handler is glue: the store on the batch's session, the use case with the batch's events.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.batching import BatchHandler, BatchItem
from events.consumer import ConsumerSpec, IdempotentConsumer, PoisonEvent, consumer_worker
from events.kafka import KafkaSecurity
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from incentives.adapters.reward_store import PgRewardStore
from incentives.adapters.store import PgStore
from incentives.service.enrolments import keep_enrolments
from incentives.service.rewards import REWARDING_EVENT_TYPES, Unpayable, apply_deal_events


def _deal_events(topics: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        try:
            await apply_deal_events(PgRewardStore(session), items, topics.incentives)
        except Unpayable as exc:
            raise PoisonEvent(str(exc)) from exc

    return handle


def _partner_events(topics: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        await keep_enrolments(PgStore(session), [item.event for item in items])

    return handle


# The deal events that may earn or reverse a reward (a poll's records in one transaction).
DEAL_EVENTS = ConsumerSpec(
    name="incentives",
    topics=lambda topics: [topics.deals],
    event_types=REWARDING_EVENT_TYPES,
    handler=_deal_events,
)
# The enrolment read model (partners.v1): its own group and processed_events name.
PARTNER_EVENTS = ConsumerSpec(
    name="incentives-partners",
    topics=lambda topics: [topics.partners],
    event_types=PARTNER_EVENT_TYPES,
    handler=_partner_events,
)

deal_events_worker = consumer_worker(DEAL_EVENTS)
partner_events_worker = consumer_worker(PARTNER_EVENTS)


def deal_events_consumer(
    *,
    topics: TopicNames,
    bootstrap_servers: str,
    sessions: async_sessionmaker[AsyncSession],
    name: str | None = None,
    security: KafkaSecurity | None = None,
) -> IdempotentConsumer:
    """DEAL_EVENTS' consumer (tests and tools name their own: their metrics and claims are theirs)."""
    return DEAL_EVENTS.consumer(
        topics=topics, bootstrap_servers=bootstrap_servers, sessions=sessions, name=name, security=security
    )
