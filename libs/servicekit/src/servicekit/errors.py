"""What a use case raises when a rule says no: plain Python, no web framework.

Use cases and domain code raise the kinds below (NotFound, Conflict, InvalidInput...);
each kind is a `Problem` with its RFC 9457 status, and `servicekit.problems` turns any
Problem into the problem document in one place, so the layers below the routes never
import the web framework. `extra` members become the problem's extension members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any


class Problem(Exception):
    """A refusal with its status; prefer the named kinds below, which fix the status."""

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


# What use cases catch or raise in general: every refusal.
DomainError = Problem


class _Kind(Problem):
    status_of_kind = 400

    def __init__(self, detail: str, **kwargs: Any) -> None:
        super().__init__(self.status_of_kind, detail, **kwargs)


class BadRequest(_Kind):
    """The request cannot be read at all."""


class Unauthenticated(_Kind):
    """No valid credentials."""

    status_of_kind = 401


class Forbidden(_Kind):
    """The caller is known but may not do this."""

    status_of_kind = 403


class NotFound(Problem):
    """No such thing, or none the caller may see (other tenants' objects look absent)."""

    def __init__(self, what: str = "resource", **extra: Any) -> None:
        super().__init__(404, f"No such {what}.", **extra)


class Conflict(_Kind):
    """The current state does not allow it."""

    status_of_kind = 409


class PreconditionFailed(_Kind):
    """If-Match names another version than the current one."""

    status_of_kind = 412


class TooLarge(_Kind):
    """The request is bigger than allowed."""

    status_of_kind = 413


class InvalidInput(Problem):
    """Input that breaks a rule, each error naming its field: {"loc": [...], "msg": ...}."""

    def __init__(self, errors: Sequence[Mapping[str, Any]], detail: str | None = None, **extra: Any) -> None:
        super().__init__(
            422,
            detail or "The request is not valid: see errors.",
            title="Unprocessable Content",
            type_="/problems/validation-error",
            errors=[dict(e) for e in errors],
            **extra,
        )


class PreconditionRequired(_Kind):
    """A versioned write without If-Match where one is required."""

    status_of_kind = 428


class TooManyRequests(_Kind):
    """A limit was reached; `headers` carries Retry-After."""

    status_of_kind = 429


def invalid(field: Sequence[str | int], msg: str, detail: str | None = None) -> InvalidInput:
    """One field's error, the common case."""
    return InvalidInput([{"loc": list(field), "msg": msg}], detail=detail)


__all__ = [
    "BadRequest",
    "Conflict",
    "DomainError",
    "Forbidden",
    "InvalidInput",
    "NotFound",
    "PreconditionFailed",
    "PreconditionRequired",
    "Problem",
    "TooLarge",
    "TooManyRequests",
    "Unauthenticated",
    "invalid",
]
