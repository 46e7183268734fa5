"""What notifications keeps: subscriptions and their deliveries, as plain objects.

The store (adapters) reads and writes them; the use cases (service) change them by the
rules below. Times are aware datetimes in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from notifications.domain.routing import OwnerRole, SubscriptionOwner


class SubscriptionStatus:
    ACTIVE = "active"
    DISABLED = "disabled"
    DELETED = "deleted"  # kept so the delivery log still names it; invisible to the API


class DeliveryStatus:
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass
class Subscription:
    id: str
    # Who may see and manage it ("vendor:v-1", "partner:p-1", "aggregator:<sub>", "admin:<sub>").
    owner_key: str
    owner_role: str
    owner_vendor_id: str | None
    owner_partner_id: str | None
    owner_partner_ids: list[str]
    url: str
    event_types: list[str]
    description: str | None
    secret: str  # in clear here; the store keeps it encrypted
    status: str
    created_at: datetime
    updated_at: datetime
    version: int
    previous_secret: str | None = None
    previous_secret_expires_at: datetime | None = None
    disabled_reason: str | None = None
    # First failed attempt of the current run of failures (None after a success).
    failing_since: datetime | None = None
    last_success_at: datetime | None = None

    @property
    def owner(self) -> SubscriptionOwner:
        return owner_of_subscription(self)

    def touch(self, now: datetime) -> None:
        """Every change of a subscription is a new version (If-Match)."""
        self.updated_at = now
        self.version += 1

    def disable(self, reason: str, now: datetime) -> None:
        self.status = SubscriptionStatus.DISABLED
        self.disabled_reason = reason
        self.touch(now)


@dataclass
class Delivery:
    """One event to one subscription; a row before it is ever attempted."""

    id: str
    subscription_id: str
    event_id: str
    event_type: str
    subject: str | None
    status: str
    attempts: int
    created_at: datetime
    updated_at: datetime
    seq: int | None = None
    next_attempt_at: datetime | None = None
    lease_until: datetime | None = None
    last_attempt_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None


class HasOwner(Protocol):
    """The owner columns of a subscription, as anything that carries them shows them."""

    @property
    def owner_role(self) -> str: ...

    @property
    def owner_vendor_id(self) -> str | None: ...

    @property
    def owner_partner_id(self) -> str | None: ...

    @property
    def owner_partner_ids(self) -> Sequence[str]: ...


def owner_of_subscription(row: HasOwner) -> SubscriptionOwner:
    return SubscriptionOwner(
        role=OwnerRole(row.owner_role),
        vendor_id=row.owner_vendor_id,
        partner_id=row.owner_partner_id,
        partner_ids=frozenset(row.owner_partner_ids),
    )
