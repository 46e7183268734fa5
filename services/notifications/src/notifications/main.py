"""notifications: Webhook subscriptions, signed deliveries, retries and the delivery log."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.app import create_service_app

from notifications.api.routes import router
from notifications.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        title="notifications",
        description="Webhook subscriptions, signed deliveries, retries and the delivery log.",
        routers=[router],
    )
