"""What a use case raises when a rule says no: plain Python, no web framework.

Use cases and domain code raise these; `servicekit.problems` maps each kind to its HTTP
status and an RFC 9457 problem document in one place, so the layers below the routes
never speak HTTP. `extra` members become the problem's extension members.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


class DomainError(Exception):
    """A request that the rules refuse; the subclass says which kind of refusal."""

    def __init__(
        self,
        detail: str,
        *,
        title: str | None = None,
        type_: str = "about:blank",
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.title = title
        self.type = type_
        self.headers = headers
        self.extra = extra


class BadRequest(DomainError):
    """The request cannot be read at all (400)."""


class Unauthenticated(DomainError):
    """No valid credentials (401)."""


class Forbidden(DomainError):
    """The caller is known but may not do this (403)."""


class NotFound(DomainError):
    """No such thing, or none the caller may see (404: other tenants' objects look absent)."""

    def __init__(self, what: str = "resource", **extra: Any) -> None:
        super().__init__(f"No such {what}.", **extra)


class Conflict(DomainError):
    """The current state does not allow it (409)."""


class PreconditionFailed(DomainError):
    """If-Match names another version than the current one (412)."""


class TooLarge(DomainError):
    """The request is bigger than allowed (413)."""


class InvalidInput(DomainError):
    """Input that breaks a rule (422), each error naming its field: {"loc": [...], "msg": ...}."""

    def __init__(self, errors: Sequence[Mapping[str, Any]], detail: str | None = None, **extra: Any) -> None:
        super().__init__(
            detail or "The request is not valid: see errors.",
            title="Unprocessable Content",
            type_="/problems/validation-error",
            errors=[dict(e) for e in errors],
            **extra,
        )


class PreconditionRequired(DomainError):
    """A versioned write without If-Match where one is required (428)."""


class TooManyRequests(DomainError):
    """A limit was reached (429); `headers` carries Retry-After."""


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
    "TooLarge",
    "TooManyRequests",
    "Unauthenticated",
    "invalid",
]
