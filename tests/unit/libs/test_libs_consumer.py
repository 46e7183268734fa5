"""Which failures are the infrastructure's (retry forever) and which are the event's (dead-letter)."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import exc as sa_exc

from events.consumer import is_transient


class SerializationError(Exception):
    """Stands in for asyncpg's class of the same name: only the name is looked at."""


class DeadlockDetectedError(Exception):
    pass


class ConnectionDoesNotExistError(Exception):
    pass


class UniqueViolationError(Exception):
    pass


class _Model(BaseModel):
    n: int


def _validation_error() -> ValidationError:
    try:
        _Model.model_validate({"n": "x"})
    except ValidationError as exc:
        return exc
    raise AssertionError("unreachable")


def _wrapped(orig: Exception) -> sa_exc.DBAPIError:
    """SQLAlchemy's asyncpg adapter wraps the driver error; its __cause__ is asyncpg's."""
    adapter_error = Exception("adapted")
    adapter_error.__cause__ = orig
    return sa_exc.DBAPIError("SELECT 1", {}, adapter_error)


@pytest.mark.parametrize(
    "exc",
    [
        OSError("network unreachable"),
        ConnectionError("reset"),
        ConnectionRefusedError(),
        ConnectionResetError(),
        TimeoutError(),
        sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        sa_exc.InterfaceError("SELECT 1", {}, Exception("connection is closed")),
        sa_exc.TimeoutError("QueuePool limit reached"),
        sa_exc.DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True),
        sa_exc.DBAPIError("SELECT 1", {}, SerializationError()),
        _wrapped(SerializationError()),
        _wrapped(DeadlockDetectedError()),
        _wrapped(ConnectionDoesNotExistError()),
    ],
    ids=lambda e: type(e).__name__,
)
def test_infrastructure_failures_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("bad amount"),
        KeyError("partner"),
        TypeError("none"),
        RuntimeError("bug"),
        _validation_error(),
        sa_exc.IntegrityError("INSERT", {}, Exception("duplicate key")),
        _wrapped(UniqueViolationError()),
        sa_exc.DataError("INSERT", {}, Exception("numeric overflow")),
    ],
    ids=lambda e: type(e).__name__,
)
def test_failures_of_the_event_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)
