"""OpenAPI documents that tell integrators the whole truth, completed once when first built.

- Errors: every 4xx/5xx is an RFC 9457 application/problem+json (FastAPI documents its 422 as
  application/json with its own schema).
- Security: the bearer scheme (Swagger UI's "Authorize", generated clients), on every operation
  but the public ones (health, metrics, event schemas).
- Operation ids are the routes' names (`operation_id`), so generated clients read `post_deal`,
  not `post_deal_v1_deals_post`.
- Headers the middleware honours but no route declares: `Idempotency-Key` on every POST (and
  `Idempotent-Replayed` on its answers), the rule of `If-Match`, the `ETag` it names.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi._compat import v2 as _fastapi_schemas
from fastapi.routing import APIRoute
from pydantic_core import core_schema

from events.schemas import sort_enums

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
    "403": "The caller's role may not do this",
    "404": "Not found, or not within the caller's tenancy",
    "413": "Request body too large",
    "422": "Validation error: `errors` names each bad field",
    "429": "Rate limit exceeded (see Retry-After)",
    "500": "Unexpected failure; `detail` carries the trace id",
}
# What any write may answer besides: a conflict with the current state, or a key still in flight.
_WRITES = {"post", "put", "patch", "delete"}
_COMMON_WRITE = {"409": "Conflict with the current state (or the same Idempotency-Key still in flight)"}
_PUBLIC = {"/healthz", "/readyz", "/metrics"}
_PUBLIC_PREFIXES = ("/schemas/",)

BEARER = "bearerAuth"
SECURITY_SCHEMES: dict[str, Any] = {
    BEARER: {
        "type": "http",
        "scheme": "bearer",
        "bearerFormat": "JWT",
        "description": "A JWT from your identity provider (locally: `make token`). Its `role` claim (partner, "
        "vendor, aggregator, admin) and tenancy claims (`partner_id`, `vendor_id`, `partner_ids`) decide what "
        "you may see and do.",
    }
}

# servicekit.idempotency.valid_key, as a schema.
IDEMPOTENCY_KEY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a retry safe: a request repeated with the same key (same caller, same request) within "
    "24 hours is answered with the first answer (`Idempotent-Replayed: true`) and changes nothing again. The "
    "same key with a different request is 422; while the first request still runs, the second waits up to "
    "5 s, then 409. 400 when the key is not 1 to 255 printable ASCII characters.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7E]+$"},
    "example": "3f1c8a52-tour-1",
}
REPLAYED_HEADER: dict[str, Any] = {
    "description": "`true` when this is the stored answer to an earlier request with the same Idempotency-Key",
    "schema": {"type": "string", "enum": ["true"]},
}
ETAG_HEADER: dict[str, Any] = {
    "description": 'The resource\'s version, `"<n>"`: send it back as If-Match to change it safely',
    "schema": {"type": "string"},
}
# servicekit.preconditions: a version, its ETag form, or "*" (blanks around it are ignored).
IF_MATCH_PATTERN = '^[ \\t]*(?:(?:W/)?"[0-9]{1,18}"|[0-9]{1,18}|\\*)[ \\t]*$'


def operation_id(route: APIRoute) -> str:
    """The operation id of a route: its name (the function's, or the `name=` it was given).

    FastAPI's default appends the path and method (`put_partner_v1_partners__partner_id__put`);
    route names are unique within a service, which the OpenAPI test checks.
    """
    return route.name


def _public(path: str) -> bool:
    return path in _PUBLIC or path.startswith(_PUBLIC_PREFIXES)


def _complete_operation(path: str, method: str, operation: dict[str, Any]) -> None:
    if _EXAMPLES_KEY in operation:
        _merge(operation, _EXAMPLES[operation.pop(_EXAMPLES_KEY)])
    responses = operation["responses"]
    if not _public(path):
        operation.setdefault("security", [{BEARER: []}])
        for code, description in _COMMON.items():
            responses.setdefault(code, {"description": description})
        if method in _WRITES:
            for code, description in _COMMON_WRITE.items():
                responses.setdefault(code, {"description": description})
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    if_match = next((p for p in parameters if p.get("in") == "header" and p.get("name") == "If-Match"), None)
    if if_match is not None:
        if_match["schema"].setdefault("pattern", IF_MATCH_PATTERN)
        responses.setdefault("412", {"description": "If-Match names another version than the current one"})
        if_match.setdefault("example", '"3"')
    if method == "post" and not _public(path):
        parameters.append(dict(IDEMPOTENCY_KEY_PARAMETER))
        responses.setdefault("400", {"description": "The Idempotency-Key is not 1 to 255 printable ASCII characters"})
    for code, response in responses.items():
        response.setdefault("description", _COMMON.get(code) or HTTPStatus(int(code)).phrase)
        if code[:1] in {"4", "5"}:
            response["content"] = _problem_content(
                response.get("content", {}).get(PROBLEM_MEDIA_TYPE, {}).get("examples")
            )
        elif code[:1] == "2":
            headers = response.setdefault("headers", {})
            if method == "post":
                headers.setdefault("Idempotent-Replayed", REPLAYED_HEADER)
            if if_match is not None:
                headers.setdefault("ETag", ETAG_HEADER)
    if not parameters:
        del operation["parameters"]


def _decimal_pattern(self: Any, schema: core_schema.DecimalSchema) -> str:
    """A decimal given as a string states its syntax, digits and decimal places (max_digits,
    decimal_places), as the number form states its range: pydantic's own pattern for them."""
    pattern: str = self.build_decimal_pattern(schema)
    return pattern


# FastAPI builds every document with its own GenerateJsonSchema: teach it the decimal strings' rule.
_fastapi_schemas.GenerateJsonSchema.get_decimal_pattern = _decimal_pattern  # type: ignore[method-assign]

PROBLEM_MEDIA_TYPE = "application/problem+json"


def _problem_content(examples: Any = None) -> dict[str, Any]:
    content: dict[str, Any] = {"schema": {"$ref": "#/components/schemas/Problem"}}
    if examples:
        content["examples"] = examples
    return {PROBLEM_MEDIA_TYPE: content}


def _named(summary: str, value: Any) -> dict[str, Any]:
    return {"tour": {"summary": summary, "value": value}}


# Examples are merged in after FastAPI built the document: its encoder drops every null, and a
# response example must show the null members the API really sends.
_EXAMPLES: dict[str, dict[str, Any]] = {}
_EXAMPLES_KEY = "x-servicekit-examples"


def examples(
    *, summary: str, request: Any = None, responses: dict[int, Any] | None = None, media_type: str = "application/json"
) -> dict[str, Any]:
    """A route's `openapi_extra` with example request and response bodies (the README's tour).

    `responses` maps a status to its body; a 4xx/5xx body is a problem document. Every example
    is checked against its schema by tests/unit/libs/test_libs_openapi_documents.py.
    """
    extra: dict[str, Any] = {}
    if request is not None:
        extra["requestBody"] = {"content": {media_type: {"examples": _named(summary, request)}}}
    if responses:
        extra["responses"] = {
            str(code): {
                "content": {(PROBLEM_MEDIA_TYPE if code >= 400 else media_type): {"examples": _named(summary, body)}}
            }
            for code, body in responses.items()
        }
    key = f"{len(_EXAMPLES)}"
    _EXAMPLES[key] = extra
    return {_EXAMPLES_KEY: key}


def _merge(target: dict[str, Any], update: dict[str, Any]) -> None:
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = value


def problems_in_openapi(app: FastAPI) -> None:
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        components = schema.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        schemas["Problem"] = PROBLEM_SCHEMA
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        components["securitySchemes"] = SECURITY_SCHEMES
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    _complete_operation(path, method, operation)
        for item in schema.get("webhooks", {}).values():
            for operation in item.values():
                # What a receiver answers is its own: no problem documents, no validation error of ours.
                operation.get("responses", {}).pop("422", None)
                for code, response in operation.get("responses", {}).items():
                    if code[:1] in {"4", "5"}:
                        response.pop("content", None)
        sort_enums(schema)  # the same document whatever was imported first
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
