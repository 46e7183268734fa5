"""What incentives reacts to: its two consumers, each one spec run by events.consumer.consumer_worker.

Each handler is glue: the store on the batch's session, the use case with the batch's events.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import Histogram
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from events.batching import BatchHandler, BatchItem
from events.consumer import ConsumerSpec, IdempotentConsumer, PoisonEvent, consumer_worker
from events.kafka import KafkaSecurity
from events.metrics import traceparent_exemplar
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from incentives.adapters.reward_store import PgRewardStore
from incentives.adapters.store import PgStore
from incentives.service.enrolments import keep_enrolments
from incentives.service.rewards import REWARDING_EVENT_TYPES, Delivered, Unpayable, apply_deal_events

# What a rep feels: from dealreg's commit of a deal event (its CloudEvent time) to the reward booked.
_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
REWARD_LATENCY = Histogram(
    "reward_latency_seconds",
    "From a deal event's time to its reward booked in the ledger",
    buckets=_LATENCY_BUCKETS,
)


def observe_reward_latencies(rewarded: Sequence[Delivered], now: datetime) -> None:
    """One observation per reward, in order; a bucket keeps only its last exemplar, so only the
    last reward landing in each bucket is given one (an exemplar costs 3x the observation)."""
    seconds = [(now - item.event.time).total_seconds() for item in rewarded]
    # Prometheus counts a value in the first bucket whose bound is >= it (+Inf after the last).
    last_in_bucket = {bisect_left(_LATENCY_BUCKETS, s): i for i, s in enumerate(seconds)}
    exemplified = set(last_in_bucket.values())
    for i, (item, value) in enumerate(zip(rewarded, seconds, strict=True)):
        if i in exemplified:
            REWARD_LATENCY.observe(value, traceparent_exemplar(item.traceparent))
        else:
            REWARD_LATENCY.observe(value)


def _deal_events(topics: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        try:
            rewarded = await apply_deal_events(PgRewardStore(session), items, topics.incentives)
        except Unpayable as exc:
            raise PoisonEvent(str(exc)) from exc
        observe_reward_latencies(rewarded, datetime.now(UTC))

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
