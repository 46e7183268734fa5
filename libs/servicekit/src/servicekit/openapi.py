"""OpenAPI documents that tell the truth about errors: every 4xx/5xx is application/problem+json.

FastAPI documents its 422 as application/json with its own schema; our services answer
RFC 9457 problems, so the document is rewritten once, when it is first built.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
    "additionalProperties": True,
}

# What any operation may answer, whatever the route declares.
_COMMON = {
    "401": "Missing, invalid or expired bearer token",
    "413": "Request body too large",
    "422": "Validation error: `errors` names each bad field",
    "429": "Rate limit exceeded (see Retry-After)",
    "500": "Unexpected failure; `detail` carries the trace id",
}
_PUBLIC = {"/healthz", "/readyz", "/metrics"}


def _problem_content() -> dict[str, Any]:
    return {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def problems_in_openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = PROBLEM_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            components.pop(name, None)
        for path, item in schema.get("paths", {}).items():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                responses = operation["responses"]
                if path not in _PUBLIC:
                    for code, description in _COMMON.items():
                        responses.setdefault(code, {"description": description})
                for code, response in responses.items():
                    if code[:1] in {"4", "5"}:
                        response["content"] = _problem_content()
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
