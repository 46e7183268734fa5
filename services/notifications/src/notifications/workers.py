"""notifications' background workers: the event consumer and the delivery worker."""

from __future__ import annotations

from events.consumer import IdempotentConsumer
from notifications.config import Settings
from notifications.domain.routing import KNOWN_EVENT_TYPES
from notifications.service.delivery import DeliveryWorker
from notifications.service.intake import on_event
from servicekit.app import ServiceContext

CONSUMER_NAME = "notifications"


async def events_worker(ctx: ServiceContext) -> None:
    """Every event of deals, incentives and pipeline: stored, and queued for its subscribers."""
    consumer = IdempotentConsumer(
        name=CONSUMER_NAME,
        topics=[ctx.topics.deals, ctx.topics.incentives, ctx.topics.pipeline],
        group_id=ctx.topics.group(CONSUMER_NAME),
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        session_factory=ctx.sessions,  # type: ignore[arg-type]
        handlers=dict.fromkeys(KNOWN_EVENT_TYPES, on_event),  # type: ignore[arg-type]
    )
    await consumer.run()


async def delivery_worker(ctx: ServiceContext) -> None:
    assert isinstance(ctx.settings, Settings)
    await DeliveryWorker(ctx.sessions, ctx.settings).run()
