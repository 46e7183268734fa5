"""Request bodies of notifications' API."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


EventType = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class SubscriptionCreate(Strict):
    url: Annotated[str, StringConstraints(min_length=1, max_length=2000)]
    event_types: list[EventType] = Field(min_length=1, max_length=50)
    description: Annotated[str, StringConstraints(max_length=500)] | None = None


class ReplayRequest(Strict):
    since: AwareDatetime
