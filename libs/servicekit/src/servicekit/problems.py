"""RFC 9457 problem details: every error a client sees, and nothing it should not see."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from opentelemetry import trace
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound, Problem

__all__ = [
    "Problem",
    "conflict",
    "forbidden",
    "install_problem_handlers",
    "not_found",
    "problem_response",
    "validation_problem",
]

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("servicekit.problems")


def not_found(what: str = "resource") -> Problem:
    return NotFound(what)


def forbidden(detail: str) -> Problem:
    return Forbidden(detail)


def conflict(detail: str, **extra: Any) -> Problem:
    return Conflict(detail, **extra)


def validation_problem(errors: list[dict[str, Any]], detail: str | None = None) -> Problem:
    return InvalidInput(errors, detail=detail)


def problem_response(problem: Problem, request: Request | None = None) -> Response:
    headers = dict(problem.headers or {})
    return Response(
        content=orjson.dumps(problem.body(request.url.path if request else None)),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _clean_loc(loc: Any) -> list[str | int]:
    return [p for p in loc if not (isinstance(p, str) and p.startswith("function-"))]


def _errors_from_validation(exc: RequestValidationError) -> list[dict[str, Any]]:
    out = []
    for err in exc.errors():
        msg = str(err.get("msg", "invalid"))
        # Never echo huge or binary input back; the location and message say enough.
        out.append({"loc": _clean_loc(err.get("loc", ())), "msg": msg[:300], "type": err.get("type", "invalid")})
    return out


def install_problem_handlers(app: FastAPI) -> None:
    async def on_problem(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Problem)
        return problem_response(exc, request)

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        return problem_response(Problem(exc.status_code, detail, headers=exc.headers), request)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return problem_response(validation_problem(_errors_from_validation(exc)), request)

    async def on_unexpected(request: Request, exc: Exception) -> Response:
        trace_id = format(trace.get_current_span().get_span_context().trace_id, "032x")
        log.exception("unhandled error", path=request.url.path, trace_id=trace_id)
        return problem_response(
            Problem(500, f"An unexpected error occurred; nothing was changed. Trace id: {trace_id}."), request
        )

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)
