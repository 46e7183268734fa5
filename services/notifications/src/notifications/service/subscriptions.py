"""Subscription use cases: create (URL and types vetted), rotate the secret, delete."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.adapters.resolver import vet
from notifications.adapters.tables import SubscriptionRow, SubscriptionStatus
from notifications.api.schemas import SubscriptionCreate
from notifications.domain.routing import unknown_event_types
from notifications.domain.signing import generate_secret, rotate_secret
from notifications.domain.ssrf import BlockedDestination
from notifications.service.delivery import fail_pending
from notifications.service.owners import owner_key, owner_of
from servicekit.principal import Principal
from servicekit.problems import validation_problem


async def check_url(url: str, allow_private: bool) -> list[dict[str, Any]]:
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


async def create_subscription(
    session: AsyncSession, principal: Principal, body: SubscriptionCreate, allow_private: bool
) -> tuple[SubscriptionRow, str]:
    """A new active subscription owned by the caller's tenancy; returns it and its secret."""
    errors = await check_url(body.url, allow_private)
    unknown = unknown_event_types(body.event_types)
    if unknown:
        errors.append({"loc": ["body", "event_types"], "msg": f"unknown event types: {', '.join(unknown)}"})
    if errors:
        raise validation_problem(errors)
    owner = owner_of(principal)
    now = datetime.now(UTC)
    secret = generate_secret()
    row = SubscriptionRow(
        id=str(uuid.uuid4()),
        owner_key=owner_key(principal),
        owner_role=owner.role.value,
        owner_vendor_id=owner.vendor_id,
        owner_partner_id=owner.partner_id,
        owner_partner_ids=sorted(owner.partner_ids),
        url=body.url,
        event_types=list(dict.fromkeys(body.event_types)),
        description=body.description,
        secret=secret,
        status=SubscriptionStatus.ACTIVE,
        created_at=now,
        updated_at=now,
        version=1,
    )
    session.add(row)
    return row, secret


def rotate(row: SubscriptionRow, grace: timedelta) -> str:
    """A new secret; the previous one keeps signing for ``grace``."""
    now = datetime.now(UTC)
    rotation = rotate_secret(row.secret, now, grace)
    row.secret = rotation.current
    row.previous_secret = rotation.previous
    row.previous_secret_expires_at = rotation.previous_expires_at
    row.updated_at = now
    row.version += 1
    return rotation.current


async def delete_subscription(session: AsyncSession, row: SubscriptionRow) -> None:
    """Deleted subscriptions receive nothing more; their log rows stay, queued ones fail."""
    now = datetime.now(UTC)
    row.status = SubscriptionStatus.DELETED
    row.updated_at = now
    row.version += 1
    await fail_pending(session, row.id, "subscription deleted", now)
