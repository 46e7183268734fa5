"""RFC 9457 problem details: every error a client sees, and nothing it should not see."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import orjson
import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from opentelemetry import trace
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from servicekit import errors

PROBLEM_JSON = "application/problem+json"
log = structlog.get_logger("servicekit.problems")


class Problem(Exception):
    """Raise anywhere in a request to answer with a problem document."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.title = title or HTTPStatus(status).phrase
        self.type = type_
        self.headers = headers
        self.extra = extra

    def body(self, instance: str | None = None) -> dict[str, Any]:
        doc: dict[str, Any] = {"type": self.type, "title": self.title, "status": self.status, "detail": self.detail}
        if instance:
            doc["instance"] = instance
        # Extension members never replace the standard ones.
        doc.update({k: v for k, v in self.extra.items() if k not in {"type", "title", "status", "detail", "instance"}})
        return doc


# The one place a use case's refusal becomes an HTTP status.
STATUS_OF_ERROR: dict[type[errors.DomainError], int] = {
    errors.BadRequest: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.PreconditionFailed: 412,
    errors.TooLarge: 413,
    errors.InvalidInput: 422,
    errors.PreconditionRequired: 428,
    errors.TooManyRequests: 429,
}


def problem_of(error: errors.DomainError) -> Problem:
    """The problem document of a domain error (its kind gives the status)."""
    status = next((s for kind, s in STATUS_OF_ERROR.items() if isinstance(error, kind)), 400)
    return Problem(status, error.detail, title=error.title, type_=error.type, headers=error.headers, **error.extra)


def not_found(what: str = "resource") -> Problem:
    return Problem(404, f"No such {what}.")


def forbidden(detail: str) -> Problem:
    return Problem(403, detail)


def conflict(detail: str, **extra: Any) -> Problem:
    return Problem(409, detail, **extra)


def validation_problem(errors: list[dict[str, Any]], detail: str | None = None) -> Problem:
    return Problem(
        422,
        detail or "The request is not valid: see errors.",
        title="Unprocessable Content",
        type_="/problems/validation-error",
        errors=errors,
    )


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

    async def on_domain_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, errors.DomainError)
        return problem_response(problem_of(exc), request)

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
    app.add_exception_handler(errors.DomainError, on_domain_error)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)
