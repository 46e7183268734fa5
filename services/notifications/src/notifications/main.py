"""notifications: Webhook subscriptions, signed deliveries, retries and the delivery log (the wiring)."""

from __future__ import annotations

import dataclasses
import functools

from fastapi import FastAPI

from events.pglisten import listen_forever
from notifications.adapters import resolver, secret_box
from notifications.adapters.delivery_store import PgDeliveryStore
from notifications.adapters.store import DELIVERIES_CHANNEL, PgStore
from notifications.adapters.webhook_client import HttpWebhookSender
from notifications.api.routes import router
from notifications.api.sealed_responses import UnsealSecretMiddleware
from notifications.api.webhooks import webhooks_router
from notifications.config import Settings
from notifications.consumers import events_worker
from notifications.service.delivery import DeliveryPolicy, DeliveryWorker
from servicekit.app import ServiceContext, create_service_app


def delivery_policy(settings: Settings) -> DeliveryPolicy:
    return DeliveryPolicy(
        **{f.name: getattr(settings, f"webhook_{f.name}") for f in dataclasses.fields(DeliveryPolicy)}
    )


async def delivery_worker(ctx: ServiceContext) -> None:
    settings = ctx.settings
    assert isinstance(settings, Settings)
    worker = DeliveryWorker(
        PgDeliveryStore(ctx.sessions),
        HttpWebhookSender(
            allow_private=settings.webhook_allow_private,
            timeout=settings.webhook_timeout,
            max_redirects=settings.webhook_max_redirects,
        ),
        secret_box.CurrentBox(),
        delivery_policy(settings),
        # Wakes the worker as soon as deliveries are committed (the store's NOTIFY).
        functools.partial(listen_forever, settings.asyncpg_dsn, DELIVERIES_CHANNEL),
    )
    await worker.run()


def _wire(app: FastAPI) -> None:
    app.state.store = PgStore  # built on each request's session (api.dependencies.get_store)
    app.state.vet_url = resolver.vet
    app.state.secret_box = secret_box.current
    app.add_middleware(UnsealSecretMiddleware, box=secret_box.current, unreadable=secret_box.SecretUnreadable)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    # Before anything starts: outside development, no WEBHOOK_SECRET_KEYS means no start.
    secret_box.configure(secret_box.box_from_settings(settings))
    return create_service_app(
        settings=settings,
        title="notifications",
        description="Webhook subscriptions, signed deliveries, retries and the delivery log.",
        routers=[router],
        workers={
            "events": events_worker,
            "deliveries": delivery_worker,
        },
        # notifications publishes no events of its own.
        publishes_events=False,
        configure=_wire,
        webhooks=webhooks_router(),
    )
