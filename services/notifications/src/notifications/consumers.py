"""notifications' consumer: every event of deals, incentives and pipeline, kept and queued for its subscribers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from events.batching import BatchHandler, BatchItem
from events.consumer import ConsumerSpec, consumer_worker
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
events_worker = consumer_worker(EVENTS)
