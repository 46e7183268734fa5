"""notifications's HTTP routes: parse, call the use case, answer with the response model."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Header, Query, Response

from notifications.api.dependencies import AppSettings, Box, Limits, Store, Vetter
from notifications.api.schemas import (
    DeliveryOut,
    ReplayOut,
    ReplayRequest,
    SubscriptionCreate,
    SubscriptionOut,
    SubscriptionWithSecret,
)
from notifications.api.sealed_responses import seal_for_response
from notifications.api.views import delivery_out, page_out, replay_out, subscription_out, subscription_with_secret
from notifications.service import delivery_log, subscriptions
from notifications.service import replay as replays
from servicekit.auth import CurrentPrincipal
from servicekit.pagination import Cursor, Limit, Page

router = APIRouter(prefix="/v1")

IfMatch = Annotated[str | None, Header(alias="If-Match")]


@router.post("/subscriptions", status_code=201, tags=["subscriptions"])
async def post_subscription(
    body: SubscriptionCreate,
    principal: CurrentPrincipal,
    store: Store,
    vet: Vetter,
    box: Box,
    settings: AppSettings,
    response: Response,
) -> SubscriptionWithSecret:
    command = subscriptions.CreateSubscription(body.url, body.event_types, body.description)
    sub, secret = await subscriptions.create_subscription(
        store, vet, principal, command, settings.webhook_allow_private
    )
    response.headers["Location"] = f"/v1/subscriptions/{sub.id}"
    # Sealed here, opened by UnsealSecretMiddleware: an idempotency replay never stores it in clear.
    return subscription_with_secret(sub, seal_for_response(box, secret))


@router.get("/subscriptions", tags=["subscriptions"])
async def list_subscriptions(
    principal: CurrentPrincipal,
    store: Store,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: Literal["active", "disabled"] | None = None,
) -> Page[SubscriptionOut]:
    query = subscriptions.ListSubscriptions(limit, cursor, status)
    page = await subscriptions.list_subscriptions(store, principal, query)
    return page_out(page, subscription_out)


@router.get("/subscriptions/{subscription_id}", tags=["subscriptions"])
async def get_subscription(subscription_id: str, principal: CurrentPrincipal, store: Store) -> SubscriptionOut:
    return subscription_out(await subscriptions.get_subscription(store, principal, subscription_id))


@router.delete("/subscriptions/{subscription_id}", status_code=204, tags=["subscriptions"])
async def remove_subscription(
    subscription_id: str, principal: CurrentPrincipal, store: Store, if_match: IfMatch = None
) -> Response:
    await subscriptions.delete_subscription(store, principal, subscription_id, if_match)
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/rotate-secret", tags=["subscriptions"])
async def rotate_subscription_secret(
    subscription_id: str,
    principal: CurrentPrincipal,
    store: Store,
    box: Box,
    settings: AppSettings,
    if_match: IfMatch = None,
) -> SubscriptionWithSecret:
    sub, secret = await subscriptions.rotate_subscription_secret(
        store, principal, subscription_id, if_match, settings.webhook_rotation_grace
    )
    return subscription_with_secret(sub, seal_for_response(box, secret))


@router.post(
    "/subscriptions/{subscription_id}/replay",
    status_code=202,
    tags=["subscriptions"],
    description=(
        "Queue again every event since `since` that the subscription receives (its event types, its "
        "owner's tenancy), in the order they arrived; a deal's events are sent one after another, behind "
        "any of that deal's deliveries still pending. At most WEBHOOK_REPLAY_MAX events (10,000 by "
        "default) at once: a larger range is 422 with its `count` and queues nothing (choose a later `since`)."
    ),
)
async def replay_subscription(
    subscription_id: str, body: ReplayRequest, principal: CurrentPrincipal, store: Store, limits: Limits
) -> ReplayOut:
    command = replays.ReplayCommand(subscription_id, body.since)
    result = await replays.replay_subscription(store, principal, command, limits)
    return replay_out(result)


@router.get("/deliveries", tags=["deliveries"])
async def list_deliveries(
    principal: CurrentPrincipal,
    store: Store,
    limit: Limit = 50,
    cursor: Cursor = None,
    subscription_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Literal["pending", "succeeded", "failed"] | None = None,
    event_id: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[DeliveryOut]:
    """The delivery log, newest first."""
    query = delivery_log.ListDeliveries(limit, cursor, subscription_id, status, event_id)
    page = await delivery_log.list_deliveries(store, principal, query)
    return page_out(page, delivery_out)


@router.get("/deliveries/{delivery_id}", tags=["deliveries"])
async def get_delivery(delivery_id: str, principal: CurrentPrincipal, store: Store) -> DeliveryOut:
    return delivery_out(await delivery_log.get_delivery(store, principal, delivery_id))


@router.post("/deliveries/{delivery_id}/redeliver", status_code=202, tags=["deliveries"], name="redeliver_delivery")
async def redeliver(
    delivery_id: str, principal: CurrentPrincipal, store: Store, settings: AppSettings, response: Response
) -> DeliveryOut:
    """Send the delivery's event again as a new delivery (the original stays in the log): at once, or
    after the deliveries of the same deal still pending for the subscription (a deal's order holds)."""
    again = await delivery_log.redeliver(store, principal, delivery_id, settings.webhook_redeliveries_per_hour)
    response.headers["Location"] = f"/v1/deliveries/{again.id}"
    return delivery_out(again)
