"""What pipeline reacts to: every deals.v1 event, folded into the deal read model, and every
partners.v1 event, folded into the enrolment read model (two consumers, two groups). Each
handler is glue: the store on the batch's session, then the use case."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from events.batching import BatchHandler, BatchItem
from events.consumer import ConsumerSpec, consumer_worker
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from pipeline.adapters.scorecard_store import PgScorecardStore
from pipeline.adapters.store import PgPipelineStore
from pipeline.domain.read_model import DEAL_EVENT_TYPES
from pipeline.service.deal_events import on_deal_events
from pipeline.service.enrolments import on_enrolment_events
from pipeline.service.scorecard_events import REWARD_EVENT_TYPES, on_reward_events, on_scorecard_deal_events


def deal_events_handler(topics: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        await on_deal_events(PgPipelineStore(session), items, topics)
        # Scorecards fold the same batch in the same transaction (service/scorecard_events.py).
        await on_scorecard_deal_events(PgScorecardStore(session), items)

    return handle


def enrolment_events_handler(_: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        await on_enrolment_events(PgPipelineStore(session), items)

    return handle


def reward_events_handler(_: TopicNames) -> BatchHandler:
    async def handle(session: AsyncSession, items: Sequence[BatchItem]) -> None:
        await on_reward_events(PgScorecardStore(session), items)

    return handle


DEAL_EVENTS = ConsumerSpec(
    name="pipeline",
    topics=lambda t: [t.deals],
    event_types=sorted(DEAL_EVENT_TYPES),
    handler=deal_events_handler,
)
# partners.v1: enrolments change rarely; a poll's enrolments and their processed_events rows commit together.
ENROLMENT_EVENTS = ConsumerSpec(
    name="pipeline-enrolments",
    topics=lambda t: [t.partners],
    event_types=sorted(PARTNER_EVENT_TYPES),
    handler=enrolment_events_handler,
)
# incentives.v1: net rewards for scorecards; each entry stored once (by entry id).
REWARD_EVENTS = ConsumerSpec(
    name="pipeline-rewards",
    topics=lambda t: [t.incentives],
    event_types=sorted(REWARD_EVENT_TYPES),
    handler=reward_events_handler,
)
CONSUMER_NAME = DEAL_EVENTS.name
ENROLMENTS_CONSUMER_NAME = ENROLMENT_EVENTS.name

deal_events_worker = consumer_worker(DEAL_EVENTS)
enrolment_events_worker = consumer_worker(ENROLMENT_EVENTS)
reward_events_worker = consumer_worker(REWARD_EVENTS)


# DEAL_EVENTS' consumer built directly (tests, tools): deal_events_consumer(topics=, bootstrap_servers=, sessions=).
deal_events_consumer = DEAL_EVENTS.consumer
