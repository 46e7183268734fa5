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


def test_a_batched_events_rewards_continue_its_own_process_span() -> None:
    """The traceparent saved with a batch's outbox rows names that event's span, not the batch's."""
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider

    from events.batching import traceparent_of

    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("batch"):
        first, second = tracer.start_span("a process"), tracer.start_span("b process")
        for span in (first, second):
            ctx = span.get_span_context()
            assert traceparent_of(span) == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"
    assert traceparent_of(first) != traceparent_of(second)
    assert traceparent_of(trace.INVALID_SPAN) is None  # no trace: the row carries none
