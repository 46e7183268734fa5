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


def schema_uri(event_type: str) -> str:
    """A stable URN naming the schema of an event type (JSON Schema in events.schemas)."""
    return f"urn:channel-platform:schema:{event_type}:v1"


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
        dataschema=schema_uri(event_type),
        data=data,
    )
