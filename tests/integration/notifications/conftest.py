"""Fixtures for the notifications integration tests: a live receiver, event feeding, fast settings."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from notifications_helpers import TRACEPARENT, Receiver

from events.envelope import CloudEvent
from support.kafka import produce


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.start()
    yield r
    r.stop()


@pytest.fixture
def send_deal_event(infra: Any, topic_prefix: str) -> Callable[[CloudEvent], Any]:
    async def _send(event: CloudEvent) -> None:
        await produce(
            infra.kafka_bootstrap,
            f"{topic_prefix}deals.v1",
            event.to_json(),
            key=(event.subject or "").encode(),
            headers=[("traceparent", TRACEPARENT.encode())],
        )

    return _send


FAST = {
    "webhook_allow_private": True,
    "webhook_poll_interval": 0.05,
    "webhook_retry_schedule": "PT0.2S,PT0.2S,PT0.2S",
}


@pytest.fixture
def notifications(service_client: Callable[..., Any]) -> Callable[..., Any]:
    """`async with notifications(**overrides) as (client, app)`: the service with fast test settings."""

    @contextlib.asynccontextmanager
    async def _start(**overrides: Any) -> AsyncIterator[tuple[Any, Any]]:
        async with service_client("notifications", **{**FAST, **overrides}) as (client, app):
            yield client, app

    return _start
