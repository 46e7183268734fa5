"""Request bodies and responses of notifications' API (times as ISO 8601 strings in UTC, ``Z``)."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from notifications.domain.routing import KNOWN_EVENT_TYPES


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


# The known types are stated, not enforced here: an unknown one is the use case's 422, naming each.
EventType = Annotated[
    str, StringConstraints(min_length=1, max_length=100), Field(json_schema_extra={"enum": sorted(KNOWN_EVENT_TYPES)})
]


class SubscriptionCreate(Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    event_types: list[EventType] = Field(min_length=1, max_length=50)
    description: Annotated[str, StringConstraints(max_length=500)] | None = None


class ReplayRequest(Strict):
    since: AwareDatetime


class OwnerOut(BaseModel):
    role: str
    vendor_id: str | None
    partner_id: str | None
    partner_ids: list[str]


class SubscriptionOut(BaseModel):
    """A subscription as its owner sees it: never its secret."""

    id: str
    url: str
    event_types: list[str]
    description: str | None
    status: str
    disabled_reason: str | None
    owner: OwnerOut
    previous_secret_expires_at: str | None
    failing_since: str | None
    last_success_at: str | None
    created_at: str
    updated_at: str
    version: int


class SubscriptionWithSecret(SubscriptionOut):
    """On create and rotate-secret only: the new secret, shown this once."""

    secret: str


class DeliveryOut(BaseModel):
    id: str
    subscription_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_attempt_at: str | None
    last_status_code: int | None
    last_error: str | None
    created_at: str
    updated_at: str


class ReplayOut(BaseModel):
    subscription_id: str
    since: str
    queued: int
    delivery_ids: list[str]  # the first ones queued, in order
