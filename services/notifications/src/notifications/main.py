"""notifications: Webhook subscriptions, signed deliveries, retries and the delivery log."""

from __future__ import annotations

from fastapi import FastAPI

from notifications.adapters import secret_box
from notifications.api.routes import router
from notifications.api.sealed_responses import UnsealSecretMiddleware
from notifications.config import Settings
from notifications.workers import delivery_worker, events_worker
from servicekit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # Before anything starts: outside development, no WEBHOOK_SECRET_KEYS means no start.
    secret_box.configure(secret_box.box_from_settings(settings))
    return create_service_app(
        settings=settings,
        title="notifications",
        description="Webhook subscriptions, signed deliveries, retries and the delivery log.",
        routers=[router],
        workers={"events": events_worker, "deliveries": delivery_worker},
        # notifications publishes no events of its own.
        publishes_events=False,
        configure=lambda app: app.add_middleware(UnsealSecretMiddleware),
    )
