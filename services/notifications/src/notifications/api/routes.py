"""notifications's HTTP routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select, tuple_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.adapters.tables import DeliveryRow, ReceivedEventRow, SubscriptionRow, SubscriptionStatus
from notifications.api.schemas import ReplayRequest, SubscriptionCreate
from notifications.api.sealed_responses import seal_for_response
from notifications.config import Settings
from notifications.service.intake import NewDelivery, queue_deliveries
from notifications.service.owners import may_manage, owner_key
from notifications.service.replay import ReplayTooLarge, replay
from notifications.service.replay_limits import admit
from notifications.service.subscriptions import create_subscription, delete_subscription, rotate
from notifications.service.views import delivery_json, subscription_json
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.pagination import Cursor, Limit, decode_cursor, next_cursor
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal
from servicekit.problems import Problem, not_found, validation_problem

router = APIRouter(prefix="/v1")

IfMatch = Annotated[str | None, Header(alias="If-Match")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _check_version(if_match: str | None, row: SubscriptionRow) -> None:
    check_if_match(if_match, row.version)


async def _own_subscription(
    session: AsyncSession, principal: Principal, subscription_id: str, lock: bool = False
) -> SubscriptionRow:
    # FOR NO KEY UPDATE: the id never changes, and deliveries being queued (their foreign key takes
    # KEY SHARE on this row) need not wait for it (see domain.ordering: lock order).
    row = await session.get(SubscriptionRow, subscription_id, with_for_update={"key_share": True} if lock else False)
    if row is None or row.status == SubscriptionStatus.DELETED or not may_manage(principal, row):
        raise not_found("subscription")
    return row


@router.post("/subscriptions", status_code=201, tags=["subscriptions"])
async def post_subscription(
    body: SubscriptionCreate, principal: CurrentPrincipal, session: DbSession, request: Request
) -> JSONResponse:
    async with session.begin():
        row, secret = await create_subscription(session, principal, body, _settings(request).webhook_allow_private)
    return JSONResponse(
        # Sealed here, opened by UnsealSecretMiddleware: an idempotency replay never stores it in clear.
        subscription_json(row, secret=seal_for_response(secret)),
        status_code=201,
        headers={"Location": f"/v1/subscriptions/{row.id}"},
    )


@router.get("/subscriptions", tags=["subscriptions"])
async def list_subscriptions(
    principal: CurrentPrincipal,
    session: DbSession,
    limit: Limit = 50,
    cursor: Cursor = None,
    status: Literal["active", "disabled"] | None = None,
) -> dict[str, Any]:
    key = decode_cursor(cursor, {"created_at": datetime, "id": str})
    query = select(SubscriptionRow).where(col(SubscriptionRow.status) != SubscriptionStatus.DELETED)
    if not principal.is_admin:
        query = query.where(col(SubscriptionRow.owner_key) == owner_key(principal))
    if status is not None:
        query = query.where(col(SubscriptionRow.status) == status)
    if key is not None:
        after = (key["created_at"], key["id"])
        query = query.where(tuple_(col(SubscriptionRow.created_at), col(SubscriptionRow.id)) > after)
    query = query.order_by(col(SubscriptionRow.created_at), col(SubscriptionRow.id)).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    page, nxt = next_cursor(rows, limit, lambda r: {"created_at": r.created_at.isoformat(), "id": r.id})
    return {"items": [subscription_json(r) for r in page], "next_cursor": nxt}


@router.get("/subscriptions/{subscription_id}", tags=["subscriptions"])
async def get_subscription(subscription_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    return subscription_json(await _own_subscription(session, principal, subscription_id))


@router.delete("/subscriptions/{subscription_id}", status_code=204, tags=["subscriptions"])
async def remove_subscription(
    subscription_id: str, principal: CurrentPrincipal, session: DbSession, if_match: IfMatch = None
) -> Response:
    async with session.begin():
        row = await _own_subscription(session, principal, subscription_id, lock=True)
        _check_version(if_match, row)
        await delete_subscription(session, row)
    return Response(status_code=204)


@router.post("/subscriptions/{subscription_id}/rotate-secret", tags=["subscriptions"])
async def rotate_subscription_secret(
    subscription_id: str, principal: CurrentPrincipal, session: DbSession, request: Request, if_match: IfMatch = None
) -> dict[str, Any]:
    async with session.begin():
        row = await _own_subscription(session, principal, subscription_id, lock=True)
        _check_version(if_match, row)
        secret = rotate(row, _settings(request).webhook_rotation_grace)
    return subscription_json(row, secret=seal_for_response(secret))


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
    subscription_id: str, body: ReplayRequest, principal: CurrentPrincipal, session: DbSession, request: Request
) -> dict[str, Any]:
    settings = _settings(request)
    since = body.since.astimezone(UTC)
    async with session.begin():
        row = await _own_subscription(session, principal, subscription_id)
        if row.status != SubscriptionStatus.ACTIVE:
            raise Problem(409, "The subscription is disabled; nothing can be delivered to it.")
        await admit(session, row.id, "replay", settings.webhook_replays_per_hour, datetime.now(UTC))
        try:
            replayed = await replay(
                session,
                row,
                since,
                datetime.now(UTC),
                maximum=settings.webhook_replay_max,
                page=settings.webhook_replay_page,
            )
        except ReplayTooLarge as too_large:
            raise Problem(
                422,
                f"{too_large.count} events match since {since.isoformat()}; at most {too_large.maximum} can be "
                "replayed at once. Choose a later since.",
                title="Unprocessable Content",
                type_="/problems/validation-error",
                errors=[{"loc": ["body", "since"], "msg": f"the range holds {too_large.count} events"}],
                count=too_large.count,
                maximum=too_large.maximum,
            ) from None
    return {
        "subscription_id": row.id,
        "since": since.isoformat().replace("+00:00", "Z"),
        "queued": replayed.queued,
        "delivery_ids": list(replayed.delivery_ids),
    }


async def _visible_delivery(session: AsyncSession, principal: Principal, delivery_id: str) -> DeliveryRow:
    row = await session.get(DeliveryRow, delivery_id)
    if row is None:
        raise not_found("delivery")
    sub = await session.get(SubscriptionRow, row.subscription_id)
    if sub is None or not may_manage(principal, sub):
        raise not_found("delivery")
    return row


@router.get("/deliveries", tags=["deliveries"])
async def list_deliveries(
    principal: CurrentPrincipal,
    session: DbSession,
    limit: Limit = 50,
    cursor: Cursor = None,
    subscription_id: Annotated[str | None, Query(max_length=100)] = None,
    status: Literal["pending", "succeeded", "failed"] | None = None,
    event_id: Annotated[str | None, Query(max_length=200)] = None,
) -> dict[str, Any]:
    """The delivery log, newest first."""
    key = decode_cursor(cursor, {"seq": int})
    query = select(DeliveryRow).join(SubscriptionRow, col(SubscriptionRow.id) == col(DeliveryRow.subscription_id))
    if not principal.is_admin:
        query = query.where(col(SubscriptionRow.owner_key) == owner_key(principal))
    if subscription_id is not None:
        query = query.where(col(DeliveryRow.subscription_id) == subscription_id)
    if status is not None:
        query = query.where(col(DeliveryRow.status) == status)
    if event_id is not None:
        query = query.where(col(DeliveryRow.event_id) == event_id)
    if key is not None:
        if not isinstance(key["seq"], int):
            raise validation_problem([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])
        query = query.where(col(DeliveryRow.seq) < key["seq"])
    query = query.order_by(col(DeliveryRow.seq).desc()).limit(limit + 1)
    rows = list((await session.execute(query)).scalars())
    page, nxt = next_cursor(rows, limit, lambda r: {"seq": r.seq})
    return {"items": [delivery_json(r) for r in page], "next_cursor": nxt}


@router.get("/deliveries/{delivery_id}", tags=["deliveries"])
async def get_delivery(delivery_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    return delivery_json(await _visible_delivery(session, principal, delivery_id))


@router.post("/deliveries/{delivery_id}/redeliver", status_code=202, tags=["deliveries"])
async def redeliver(
    delivery_id: str, principal: CurrentPrincipal, session: DbSession, request: Request
) -> JSONResponse:
    """Send the delivery's event again as a new delivery (the original stays in the log): at once, or
    after the deliveries of the same deal still pending for the subscription (a deal's order holds)."""
    async with session.begin():
        original = await _visible_delivery(session, principal, delivery_id)
        sub = await session.get(SubscriptionRow, original.subscription_id)
        if sub is None or sub.status != SubscriptionStatus.ACTIVE:
            raise Problem(409, "The subscription is disabled; nothing can be delivered to it.")
        await admit(session, sub.id, "redeliver", _settings(request).webhook_redeliveries_per_hour, datetime.now(UTC))
        event = await session.get(ReceivedEventRow, original.event_id)
        subject = event.subject if event is not None else original.subject
        [again_id] = await queue_deliveries(
            session, [NewDelivery(sub.id, original.event_id, original.event_type, subject)], datetime.now(UTC)
        )
        again = await session.get(DeliveryRow, again_id)
        assert again is not None
    return JSONResponse(delivery_json(again), status_code=202, headers={"Location": f"/v1/deliveries/{again.id}"})
