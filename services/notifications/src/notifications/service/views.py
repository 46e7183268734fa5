"""How subscriptions and deliveries look to their owners (the secret only ever on create/rotate)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from notifications.adapters.tables import DeliveryRow, SubscriptionRow


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def subscription_json(row: SubscriptionRow, secret: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": row.id,
        "url": row.url,
        "event_types": list(row.event_types),
        "description": row.description,
        "status": row.status,
        "disabled_reason": row.disabled_reason,
        "owner": {
            "role": row.owner_role,
            "vendor_id": row.owner_vendor_id,
            "partner_id": row.owner_partner_id,
            "partner_ids": sorted(row.owner_partner_ids),
        },
        "previous_secret_expires_at": iso(row.previous_secret_expires_at),
        "failing_since": iso(row.failing_since),
        "last_success_at": iso(row.last_success_at),
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
        "version": row.version,
    }
    if secret is not None:
        body["secret"] = secret
    return body


def delivery_json(row: DeliveryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "subscription_id": row.subscription_id,
        "event_id": row.event_id,
        "event_type": row.event_type,
        "status": row.status,
        "attempts": row.attempts,
        "next_attempt_at": iso(row.next_attempt_at),
        "last_attempt_at": iso(row.last_attempt_at),
        "last_status_code": row.last_status_code,
        "last_error": row.last_error,
        "created_at": iso(row.created_at),
        "updated_at": iso(row.updated_at),
    }
