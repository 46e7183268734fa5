"""notifications's HTTP routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import select, tuple_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.adapters.tables import DeliveryRow, SubscriptionRow, SubscriptionStatus
from notifications.api.schemas import ReplayRequest, SubscriptionCreate
from notifications.api.sealed_responses import seal_for_response
from notifications.config import Settings
from notifications.service.intake import new_delivery, queue_deliveries, replay
from notifications.service.owners import may_manage, owner_key
from notifications.service.replay_limits import admit
from notifications.service.subscriptions import create_subscription, delete_subscription, rotate
from notifications.service.views import delivery_json, subscription_json
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.pagination import Cursor, Limit, decode_cursor, next_cursor
from servicekit.principal import Principal
from servicekit.problems import Problem, not_found, validation_problem

router = APIRouter(prefix="/v1")

IfMatch = Annotated[str | None, Header(alias="If-Match")]


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _check_version(if_match: str | None, row: SubscriptionRow) -> None:
    if if_match is not None and if_match.strip().strip('"') != str(row.version):
        raise Problem(412, f"The subscription is at version {row.version}.")


async def _own_subscription(
    session: AsyncSession, principal: Principal, subscription_id: str, lock: bool = False
) -> SubscriptionRow:
    row = await session.get(SubscriptionRow, subscription_id, with_for_update=lock)
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
    key = decode_cursor(cursor, ("created_at", "id"))
    query = select(SubscriptionRow).where(col(SubscriptionRow.status) != SubscriptionStatus.DELETED)
    if not principal.is_admin:
        query = query.where(col(SubscriptionRow.owner_key) == owner_key(principal))
    if status is not None:
        query = query.where(col(SubscriptionRow.status) == status)
    if key is not None:
        after = (datetime.fromisoformat(key["created_at"]), key["id"])
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


@router.post("/subscriptions/{subscription_id}/replay", status_code=202, tags=["subscriptions"])
async def replay_subscription(
    subscription_id: str, body: ReplayRequest, principal: CurrentPrincipal, session: DbSession, request: Request
) -> dict[str, Any]:
    async with session.begin():
        row = await _own_subscription(session, principal, subscription_id)
        if row.status != SubscriptionStatus.ACTIVE:
            raise Problem(409, "The subscription is disabled; nothing can be delivered to it.")
        await admit(session, row.id, "replay", _settings(request).webhook_replays_per_hour, datetime.now(UTC))
        queued = await replay(session, row, body.since.astimezone(UTC))
    return {
        "subscription_id": row.id,
        "since": body.since.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "queued": len(queued),
        "delivery_ids": [d.id for d in queued[:500]],
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
    key = decode_cursor(cursor, ("seq",))
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
    """Send the delivery's event again, at once, as a new delivery (the original stays in the log)."""
    async with session.begin():
        original = await _visible_delivery(session, principal, delivery_id)
        sub = await session.get(SubscriptionRow, original.subscription_id)
        if sub is None or sub.status != SubscriptionStatus.ACTIVE:
            raise Problem(409, "The subscription is disabled; nothing can be delivered to it.")
        now = datetime.now(UTC)
        await admit(session, sub.id, "redeliver", _settings(request).webhook_redeliveries_per_hour, now)
        again = new_delivery(sub.id, original.event_id, original.event_type, now, now)
        await queue_deliveries(session, [again])
    return JSONResponse(delivery_json(again), status_code=202, headers={"Location": f"/v1/deliveries/{again.id}"})
