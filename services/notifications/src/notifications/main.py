"""notifications: Webhook subscriptions, signed deliveries, retries and the delivery log."""

from __future__ import annotations

from fastapi import FastAPI

from notifications.api.routes import router
from notifications.config import Settings
from notifications.workers import delivery_worker, events_worker
from servicekit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        title="notifications",
        description="Webhook subscriptions, signed deliveries, retries and the delivery log.",
        routers=[router],
        workers={"events": events_worker, "deliveries": delivery_worker},
        # notifications publishes no events of its own.
        publishes_events=False,
    )
