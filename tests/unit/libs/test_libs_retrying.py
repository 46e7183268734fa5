"""The one retry policy of the edges: what is transient, and how long each retry waits (no I/O)."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from aiokafka import errors as kafka_errors
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import exc as sa_exc
from tenacity import AsyncRetrying, RetryCallState

from events.retrying import CONSUMER, LISTENER, RELAY, TOPICS, WORKER_RESTART, Backoff, is_transient, retrying


def _chained(
    exc: BaseException, *, cause: BaseException | None = None, context: BaseException | None = None
) -> BaseException:
    """`exc` as raised from `cause` (an adapter wrapping it), or while handling `context`."""
    if cause is not None:
        exc.__cause__ = cause
    if context is not None:
        exc.__context__ = context
    return exc


def _for_each_exception(*cases: BaseException) -> pytest.MarkDecorator:
    """The test once per exception `exc`, named after its type."""
    return pytest.mark.parametrize("exc", cases, ids=lambda e: type(e).__name__)


@_for_each_exception(
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.exceptions.ConnectionFailureError("connection failure"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.SerializationError("could not serialize access"),
    asyncpg.exceptions.DeadlockDetectedError("deadlock detected"),
    asyncpg.InterfaceError("connection is closed"),
    kafka_errors.KafkaConnectionError("Unable to bootstrap from [('127.0.0.1', 9092)]"),
    kafka_errors.NodeNotReadyError("node 1 not ready"),
    kafka_errors.KafkaTimeoutError(),
    kafka_errors.RequestTimedOutError(),
    kafka_errors.NotLeaderForPartitionError(),
    kafka_errors.LeaderNotAvailableError(),
    kafka_errors.NoBrokersAvailable(),
    kafka_errors.GroupCoordinatorNotAvailableError(),
    ConnectionRefusedError(111, "Connect call failed"),
    ConnectionResetError(),
    TimeoutError(),
    sa_exc.OperationalError("SELECT 1", {}, Exception("server closed the connection")),
    sa_exc.DBAPIError("SELECT 1", {}, asyncpg.exceptions.AdminShutdownError("shutdown")),
    _chained(RuntimeError("wrapped by an adapter"), cause=asyncpg.exceptions.CannotConnectNowError("starting")),
)
def test_infrastructure_failures_are_transient(exc: BaseException) -> None:
    assert is_transient(exc)


@_for_each_exception(
    asyncpg.exceptions.UniqueViolationError("duplicate key"),
    asyncpg.exceptions.NumericValueOutOfRangeError("numeric field overflow"),
    asyncpg.exceptions.UndefinedTableError("relation does not exist"),
    asyncpg.exceptions.InvalidPasswordError("password authentication failed"),
    asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
    kafka_errors.RecordTooLargeError(),
    kafka_errors.TopicAuthorizationFailedError(),
    kafka_errors.UnsupportedVersionError(),
    ValueError("bad amount"),
    RuntimeError("bug"),
    sa_exc.IntegrityError("INSERT", {}, asyncpg.exceptions.UniqueViolationError("duplicate key")),
    # A bug hit while handling a dropped connection is still a bug.
    _chained(KeyError("partner"), context=ConnectionResetError()),
)
def test_failures_of_the_work_are_not_transient(exc: BaseException) -> None:
    assert not is_transient(exc)


def _wait(backoff: Backoff, attempt: int) -> float:
    state = RetryCallState(retry_object=AsyncRetrying(), fn=None, args=(), kwargs={})
    state.attempt_number = attempt
    return backoff.wait()(state)


@given(
    first=st.floats(min_value=0.01, max_value=5),
    cap=st.floats(min_value=0.01, max_value=60),
    attempt=st.integers(min_value=1, max_value=40),
)
def test_each_wait_lies_between_half_and_all_of_the_capped_exponential(first: float, cap: float, attempt: int) -> None:
    backoff = Backoff(first=first, cap=cap)
    ceiling = min(first * 2 ** (attempt - 1), cap)
    wait = _wait(backoff, attempt)
    assert ceiling / 2 - 1e-9 <= wait <= ceiling + 1e-9


@pytest.mark.parametrize("policy", [RELAY, CONSUMER, LISTENER, TOPICS, WORKER_RESTART], ids=repr)
def test_replicas_do_not_retry_in_step(policy: Backoff) -> None:
    """Jitter: many replicas failing at once spread their retries over half of each window."""
    for attempt in (1, 3, 10):
        waits = [_wait(policy, attempt) for _ in range(200)]
        ceiling = min(policy.first * 2 ** (attempt - 1), policy.cap)
        assert max(waits) - min(waits) > ceiling / 4  # spread, not one instant
        assert len({round(w, 6) for w in waits}) > 150


def test_waits_grow_to_the_cap_and_stay_there() -> None:
    backoff = Backoff(first=0.2, cap=5.0)
    assert all(_wait(backoff, 1) <= 0.2 for _ in range(50))
    assert all(2.5 <= _wait(backoff, 30) <= 5.0 for _ in range(50))


async def test_a_transient_failure_is_retried_and_the_result_returned() -> None:
    calls: list[int] = []
    retried: list[BaseException] = []

    async def flaky(n: int) -> int:
        calls.append(n)
        if len(calls) < 3:
            raise ConnectionRefusedError(111, "refused")
        return n * 2

    async def on_retry(exc: BaseException) -> None:
        retried.append(exc)

    result = await retrying(Backoff(first=0.002, cap=0.004), what="test", on_retry=on_retry)(flaky, 21)
    assert result == 42
    assert len(calls) == 3
    assert [type(e) for e in retried] == [ConnectionRefusedError, ConnectionRefusedError]


async def test_a_failure_of_the_work_is_raised_at_once() -> None:
    calls = 0

    async def broken() -> None:
        nonlocal calls
        calls += 1
        raise ValueError("bad input")

    with pytest.raises(ValueError, match="bad input"):
        await retrying(Backoff(first=0.002, cap=0.004), what="test")(broken)
    assert calls == 1


async def test_a_bounded_retrier_gives_up_with_the_last_error() -> None:
    async def down() -> None:
        raise kafka_errors.KafkaConnectionError("Unable to bootstrap")

    loop = asyncio.get_running_loop()
    started = loop.time()
    with pytest.raises(kafka_errors.KafkaConnectionError):
        await retrying(Backoff(first=0.01, cap=0.02), what="test", give_up_after=0.1)(down)
    assert 0.1 <= loop.time() - started < 2
