"""Subscription use cases: create (URL and types vetted), list, read, rotate the secret, delete."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from notifications.domain.model import Subscription, SubscriptionStatus
from notifications.domain.routing import unknown_event_types
from notifications.domain.signing import generate_secret, rotate_secret
from notifications.domain.ssrf import BlockedDestination
from notifications.service.owners import may_manage, owner_key, owner_of, visible_owner_key
from notifications.service.ports import Page, SubscriptionStore, UrlVetter
from servicekit.cursors import decode_cursor, next_cursor
from servicekit.errors import InvalidInput, NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal


@dataclass(frozen=True)
class CreateSubscription:
    url: str
    event_types: Sequence[str]
    description: str | None = None


@dataclass(frozen=True)
class ListSubscriptions:
    limit: int = 50
    cursor: str | None = None
    status: str | None = None  # active or disabled; None: both


async def check_url(url: str, allow_private: bool, vet: UrlVetter) -> list[dict[str, Any]]:
    """Problems with a receiver URL: not absolute http(s), or refused by the SSRF guard."""
    loc: list[str | int] = ["body", "url"]
    try:
        parts = urlsplit(url)
    except ValueError:
        return [{"loc": loc, "msg": "not a valid URL"}]
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return [{"loc": loc, "msg": "must be an absolute http or https URL"}]
    try:
        await vet(url, allow_private)
    except BlockedDestination as exc:
        return [{"loc": loc, "msg": f"refused: {exc.reason}"}]
    except OSError:
        return [{"loc": loc, "msg": f"the host {parts.hostname!r} does not resolve"}]
    return []


async def own_subscription(
    store: SubscriptionStore, principal: Principal, subscription_id: str, *, lock: bool = False
) -> Subscription:
    """The caller's subscription (an admin's: any); another tenant's, or a deleted one, is not found."""
    sub = await store.get_subscription(subscription_id, lock=lock)
    if sub is None or sub.status == SubscriptionStatus.DELETED or not may_manage(principal, sub):
        raise NotFound("subscription")
    return sub


async def create_subscription(
    store: SubscriptionStore, vet: UrlVetter, principal: Principal, command: CreateSubscription, allow_private: bool
) -> tuple[Subscription, str]:
    """A new active subscription owned by the caller's tenancy; returns it and its secret (shown once)."""
    async with store.transaction():
        errors = await check_url(command.url, allow_private, vet)
        unknown = unknown_event_types(command.event_types)
        if unknown:
            errors.append({"loc": ["body", "event_types"], "msg": f"unknown event types: {', '.join(unknown)}"})
        if errors:
            raise InvalidInput(errors)
        owner = owner_of(principal)
        now = datetime.now(UTC)
        secret = generate_secret()
        sub = Subscription(
            id=str(uuid.uuid4()),
            owner_key=owner_key(principal),
            owner_role=owner.role.value,
            owner_vendor_id=owner.vendor_id,
            owner_partner_id=owner.partner_id,
            owner_partner_ids=sorted(owner.partner_ids),
            url=command.url,
            event_types=list(dict.fromkeys(command.event_types)),
            description=command.description,
            secret=secret,
            status=SubscriptionStatus.ACTIVE,
            created_at=now,
            updated_at=now,
            version=1,
        )
        await store.add_subscription(sub)
    return sub, secret


async def list_subscriptions(
    store: SubscriptionStore, principal: Principal, query: ListSubscriptions
) -> Page[Subscription]:
    key = decode_cursor(query.cursor, {"created_at": datetime, "id": str})
    rows = await store.list_subscriptions(
        owner_key=visible_owner_key(principal),
        status=query.status,
        after=None if key is None else (key["created_at"], key["id"]),
        limit=query.limit + 1,
    )
    page, nxt = next_cursor(rows, query.limit, lambda r: {"created_at": r.created_at.isoformat(), "id": r.id})
    return Page(page, nxt)


async def get_subscription(store: SubscriptionStore, principal: Principal, subscription_id: str) -> Subscription:
    return await own_subscription(store, principal, subscription_id)


async def rotate_subscription_secret(
    store: SubscriptionStore, principal: Principal, subscription_id: str, if_match: str | None, grace: timedelta
) -> tuple[Subscription, str]:
    """A new secret; the previous one keeps signing for ``grace``. Returns the subscription and the secret."""
    async with store.transaction():
        sub = await own_subscription(store, principal, subscription_id, lock=True)
        check_if_match(if_match, sub.version)
        now = datetime.now(UTC)
        rotation = rotate_secret(sub.secret, now, grace)
        sub.secret = rotation.current
        sub.previous_secret = rotation.previous
        sub.previous_secret_expires_at = rotation.previous_expires_at
        sub.touch(now)
        await store.save_subscription(sub)
    return sub, rotation.current


async def delete_subscription(
    store: SubscriptionStore, principal: Principal, subscription_id: str, if_match: str | None
) -> None:
    """Deleted subscriptions receive nothing more; their log rows stay, queued ones fail."""
    async with store.transaction():
        sub = await own_subscription(store, principal, subscription_id, lock=True)
        check_if_match(if_match, sub.version)
        now = datetime.now(UTC)
        sub.status = SubscriptionStatus.DELETED
        sub.touch(now)
        await store.save_subscription(sub)
        await store.fail_pending(sub.id, "subscription deleted", now)
