"""The CloudEvents 1.0 structured JSON envelope every record on our topics carries."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"


class CloudEvent(BaseModel):
    """A structured-mode CloudEvent; unknown attributes (extensions) are kept."""

    model_config = ConfigDict(frozen=True, extra="allow")

    specversion: Literal["1.0"] = "1.0"
    id: str = Field(min_length=1, max_length=200)
    source: str = Field(min_length=1, max_length=500)
    type: str = Field(min_length=1, max_length=200)
    subject: str | None = Field(default=None, max_length=200)
    time: AwareDatetime  # RFC 3339 with an offset; kept in UTC
    datacontenttype: str = "application/json"
    dataschema: str | None = None
    data: dict[str, Any]

    @field_validator("time")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    def to_json(self) -> bytes:
        return orjson.dumps(self.model_dump(mode="json", exclude_none=True))

    @classmethod
    def from_json(cls, raw: bytes | str) -> CloudEvent:
        return cls.model_validate_json(raw)


# Where each producing service's API is reached by integrators (its PUBLIC_BASE_URL): an event's
# `dataschema` is a URL there (`GET /schemas/events/<type>.json`, public). Until a service says
# otherwise (servicekit's app factory does at start-up), `make run`'s addresses.
_PUBLIC_BASE_URLS: dict[str, str] = {
    "dealreg": "http://127.0.0.1:8001",
    "incentives": "http://127.0.0.1:8002",
    "pipeline": "http://127.0.0.1:8003",
    "notifications": "http://127.0.0.1:8004",
}


def set_public_base_url(service: str, base_url: str) -> None:
    """Where `service`'s API is published: the base of its events' `dataschema` URLs."""
    _PUBLIC_BASE_URLS[service] = base_url.rstrip("/")


def schema_path(event_type: str) -> str:
    """The path a producing service serves an event type's JSON Schema at."""
    return f"/schemas/events/{event_type}.json"


def schema_uri(event_type: str, service: str | None = None) -> str:
    """The URL of an event type's JSON Schema on its producing service (events.schemas).

    A producer that is not one of ours (tests' stand-ins) gets a URN naming the schema instead.
    """
    base = _PUBLIC_BASE_URLS.get(service or "")
    if base is None:
        return f"urn:channel-platform:schema:{event_type}:v1"
    return base + schema_path(event_type)


def new_event(
    *,
    event_type: str,
    service: str,
    subject: str | None,
    data: dict[str, Any],
    event_id: str | None = None,
    time: datetime | None = None,
) -> CloudEvent:
    return CloudEvent(
        id=event_id or str(uuid.uuid4()),
        source=f"/services/{service}",
        type=event_type,
        subject=subject,
        time=time or datetime.now(UTC),
        dataschema=schema_uri(event_type, service),
        data=data,
    )
