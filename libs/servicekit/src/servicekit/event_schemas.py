"""`GET /schemas/events/<type>.json`: the JSON Schema of each event type this service produces.

Each event's `dataschema` names this URL (events.envelope.schema_uri), so a consumer can fetch
the schema it was written against. Schemas are public, as schema registries and API
documentation are: they describe the shape of events, never their contents, and a consumer's
tooling must be able to resolve them without a token.
"""

import functools
from typing import Annotated

import orjson
from fastapi import APIRouter, Path
from starlette.responses import Response

from events.schemas import event_schema
from events.topics import TOPIC_OF_TYPE, TOPIC_OWNERS
from servicekit.errors import NotFound

MEDIA_TYPE = "application/schema+json"


def produced_event_types(service: str) -> tuple[str, ...]:
    """The event types whose topic `service` owns (the only ones it may publish)."""
    return tuple(t for t, topic in TOPIC_OF_TYPE.items() if TOPIC_OWNERS.get(topic) == service)


@functools.cache
def _rendered(event_type: str) -> bytes:
    return orjson.dumps(event_schema(event_type), option=orjson.OPT_INDENT_2)


def event_schemas_router(service: str) -> APIRouter:
    types = produced_event_types(service)
    router = APIRouter(tags=["event schemas"])
    if not types:
        return router

    @router.get(
        "/schemas/events/{event_type}.json",
        name="get_event_schema",
        summary="The JSON Schema of an event type's data (public)",
        response_class=Response,
        responses={
            200: {"description": "A JSON Schema (2020-12)", "content": {MEDIA_TYPE: {"schema": {"type": "object"}}}},
            404: {"description": "This service does not produce that event type"},
        },
    )
    async def get_event_schema(
        event_type: Annotated[
            str, Path(description="An event type this service produces", json_schema_extra={"enum": list(types)})
        ],
    ) -> Response:
        if event_type not in types:
            raise NotFound(f"This service produces no event of type {event_type!r}.")
        # Schemas change only with a release: caches may keep them for an hour.
        return Response(_rendered(event_type), media_type=MEDIA_TYPE, headers={"Cache-Control": "public, max-age=3600"})

    return router
