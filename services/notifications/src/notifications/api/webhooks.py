"""The webhooks notifications sends, documented as OpenAPI 3.1 `webhooks` (no route serves them).

Each delivery is a POST of one CloudEvent (structured JSON, `application/cloudevents+json`) to
the subscription's URL, signed by Standard Webhooks: `webhook-id` (the event id, the same on
every retry: deduplicate on it), `webhook-timestamp` (unix seconds) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, one per secret in force; two during a
rotation). A 2xx answer is success; 410 Gone disables the subscription; anything else, or no
answer within the time limit, is retried on the schedule.
"""

# No `from __future__ import annotations`: the webhook functions' parameter types are built per type.
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Header
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model
from starlette.responses import Response

from events.schemas import DATA_MODELS
from events.topics import DEAL_EVENT_TYPES
from notifications.domain.routing import KNOWN_EVENT_TYPES, VENDOR_ONLY_FIELDS
from servicekit.openapi import operation_id


class WebhookEvent(BaseModel):
    """The CloudEvents 1.0 envelope of every webhook body; `data` is typed per event type."""

    model_config = ConfigDict(extra="allow")

    specversion: Literal["1.0"]
    id: str = Field(description="The event id, also `webhook-id`: the same on every retry")
    source: str = Field(description="The producing service, `/services/<name>`")
    type: str
    subject: str | None = Field(default=None, description="The deal id (deal events) or the partner id")
    time: AwareDatetime
    datacontenttype: Literal["application/json"] = "application/json"
    dataschema: str | None = Field(default=None, description="The URL of `data`'s JSON Schema")
    data: dict[str, Any]


def _camel(event_type: str) -> str:
    return "".join(part.capitalize() for part in event_type.split("-"))


def _envelope(event_type: str) -> type[BaseModel]:
    model: type[BaseModel] = create_model(
        f"{_camel(event_type)}Webhook",
        __base__=WebhookEvent,
        __doc__=f"A `{event_type}` webhook body.",
        type=(Literal[event_type], ...),  # type: ignore[arg-type]
        data=(DATA_MODELS[event_type], ...),
    )
    return model


WebhookId = Annotated[str, Header(alias="webhook-id", description="The event id: deduplicate on it")]
WebhookTimestamp = Annotated[
    str, Header(alias="webhook-timestamp", description="Unix seconds of this attempt; reject stale ones")
]
WebhookSignature = Annotated[
    str,
    Header(
        alias="webhook-signature",
        description="Space-separated `v1,<signature>`: accept the body if any verifies with your secret",
    ),
]

RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Any 2xx: delivered"},
    410: {"description": "Gone: the subscription is disabled, nothing more is sent"},
    500: {"description": "Any other answer, or none within the time limit: retried on the schedule"},
}


def webhooks_router() -> APIRouter:
    router = APIRouter(generate_unique_id_function=operation_id)
    hidden = ", ".join(f"`{f}`" for f in sorted(VENDOR_ONLY_FIELDS))
    partner_note = f" Partners' and aggregators' subscriptions get `data` without {hidden}."
    for event_type in sorted(KNOWN_EVENT_TYPES):
        envelope = _envelope(event_type)

        def receive(  # documentation only: nothing calls it
            body: Annotated[envelope, Body(media_type="application/cloudevents+json")],  # type: ignore[valid-type]
            webhook_id: WebhookId,
            webhook_timestamp: WebhookTimestamp,
            webhook_signature: WebhookSignature,
        ) -> None:
            return None

        router.add_api_route(
            event_type,
            receive,
            methods=["POST"],
            name=f"{event_type.replace('-', '_')}_webhook",
            summary=f"{event_type}: what your endpoint receives",
            description=f"A signed POST of a `{event_type}` CloudEvent to your subscription's URL."
            + (partner_note if event_type in DEAL_EVENT_TYPES and hidden else ""),
            tags=["webhooks"],
            responses=RESPONSES,
            status_code=200,
            response_class=Response,
        )
    return router
