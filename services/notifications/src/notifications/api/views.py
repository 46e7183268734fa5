"""How subscriptions and deliveries look to their owners (the secret only ever on create/rotate)."""

from __future__ import annotations

from datetime import datetime

from notifications.api.schemas import DeliveryOut, OwnerOut, ReplayOut, SubscriptionOut, SubscriptionWithSecret
from notifications.domain.model import Delivery, Subscription
from notifications.service.replay import ReplayResult


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def subscription_out(sub: Subscription) -> SubscriptionOut:
    return SubscriptionOut.model_validate(_subscription_fields(sub))


def subscription_with_secret(sub: Subscription, secret: str) -> SubscriptionWithSecret:
    return SubscriptionWithSecret.model_validate({**_subscription_fields(sub), "secret": secret})


def _subscription_fields(sub: Subscription) -> dict[str, object]:
    return {
        "id": sub.id,
        "url": sub.url,
        "event_types": list(sub.event_types),
        "description": sub.description,
        "status": sub.status,
        "disabled_reason": sub.disabled_reason,
        "owner": OwnerOut(
            role=sub.owner_role,
            vendor_id=sub.owner_vendor_id,
            partner_id=sub.owner_partner_id,
            partner_ids=sorted(sub.owner_partner_ids),
        ),
        "previous_secret_expires_at": iso(sub.previous_secret_expires_at),
        "failing_since": iso(sub.failing_since),
        "last_success_at": iso(sub.last_success_at),
        "created_at": _iso(sub.created_at),
        "updated_at": _iso(sub.updated_at),
        "version": sub.version,
    }


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.id,
        subscription_id=delivery.subscription_id,
        event_id=delivery.event_id,
        event_type=delivery.event_type,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=iso(delivery.next_attempt_at),
        last_attempt_at=iso(delivery.last_attempt_at),
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        created_at=_iso(delivery.created_at),
        updated_at=_iso(delivery.updated_at),
    )


def replay_out(result: ReplayResult) -> ReplayOut:
    return ReplayOut(
        subscription_id=result.subscription_id,
        since=_iso(result.since),
        queued=result.replayed.queued,
        delivery_ids=list(result.replayed.delivery_ids),
    )
