"""How subscriptions and deliveries look to their owners (the secret only ever on create/rotate).

Times are ISO 8601 in UTC with a ``Z``; everything else is as the domain object holds it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from notifications.api.schemas import DeliveryOut, OwnerOut, ReplayOut, SubscriptionOut, SubscriptionWithSecret
from notifications.domain.model import Delivery, Subscription
from notifications.service import ports
from notifications.service.replay import ReplayResult
from servicekit.pagination import Page

M = TypeVar("M", bound=BaseModel)
T = TypeVar("T")


def iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _shown(value: Any) -> Any:
    return iso(value) if isinstance(value, datetime) else value


def _out(model: type[M], source: object, **overrides: Any) -> M:
    """``model``'s fields taken from ``source``'s attributes of the same name (times as ISO strings)."""
    values = {name: _shown(getattr(source, name)) for name in model.model_fields if name not in overrides}
    return model.model_validate({**values, **overrides})


def _owner(sub: Subscription) -> OwnerOut:
    return OwnerOut(
        role=sub.owner_role,
        vendor_id=sub.owner_vendor_id,
        partner_id=sub.owner_partner_id,
        partner_ids=sorted(sub.owner_partner_ids),
    )


def subscription_out(sub: Subscription) -> SubscriptionOut:
    return _out(SubscriptionOut, sub, owner=_owner(sub))


def subscription_with_secret(sub: Subscription, secret: str) -> SubscriptionWithSecret:
    return _out(SubscriptionWithSecret, sub, owner=_owner(sub), secret=secret)


def delivery_out(delivery: Delivery) -> DeliveryOut:
    return _out(DeliveryOut, delivery)


def replay_out(result: ReplayResult) -> ReplayOut:
    return _out(ReplayOut, result.replayed, subscription_id=result.subscription_id, since=iso(result.since))


def page_out(page: ports.Page[T], out: Callable[[T], M]) -> Page[M]:
    return Page[M](items=[out(item) for item in page.items], next_cursor=page.next_cursor)
