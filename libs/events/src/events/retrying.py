"""The one place that says which failures are transient, and how every edge retries them.

Edges: the outbox relay, consumers (infrastructure errors), dead-lettering, topic creation,
the LISTEN listeners, and a service's start-up (its raw pool, migrations, worker restarts).
Each retries with exponential backoff and jitter (tenacity), so replicas that lost the
database or Kafka at the same moment do not all come back at the same moment.

A failure is transient when it says something about the infrastructure and nothing about
the work: a connection refused, reset or timed out; PostgreSQL shutting down, starting up,
out of connections, or asking for a retry (serialization, deadlock); a Kafka error the
client itself marks retriable, or a broker that is unavailable or timed out.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar, cast

import asyncpg
import structlog
from aiokafka import errors as kafka_errors
from sqlalchemy import exc as sa_exc
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_after_delay,
    stop_never,
    wait_exponential,
    wait_random_exponential,
)
from tenacity.stop import stop_base
from tenacity.wait import wait_base

log = structlog.get_logger("events.retrying")

P = ParamSpec("P")
T = TypeVar("T")

# PostgreSQL SQLSTATEs that say "try again": the connection (class 08), the server shutting
# down or not yet accepting connections (57P01-57P03), too many connections, and the
# transaction-level retries (serialization failure, deadlock).
_TRANSIENT_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "53300", "40001", "40P01"})

# The same, by class name, for driver errors seen through an adapter's wrapping.
_TRANSIENT_DRIVER_NAMES = frozenset(
    {
        "ConnectionDoesNotExistError",
        "ConnectionFailureError",
        "CannotConnectNowError",
        "AdminShutdownError",
        "TooManyConnectionsError",
        "SerializationError",
        "DeadlockDetectedError",
    }
)

# Kafka errors aiokafka does not flag `retriable` but which only mean "the broker is away".
_TRANSIENT_KAFKA: tuple[type[BaseException], ...] = (
    kafka_errors.KafkaTimeoutError,
    kafka_errors.KafkaUnavailableError,
    kafka_errors.BrokerNotAvailableError,
    kafka_errors.ReplicaNotAvailableError,
    kafka_errors.NoBrokersAvailable,
)


def _transient_one(exc: BaseException) -> bool:
    if isinstance(exc, asyncpg.PostgresError):
        state = getattr(exc, "sqlstate", None) or ""
        return state.startswith("08") or state in _TRANSIENT_SQLSTATES
    if isinstance(exc, asyncpg.InterfaceError):
        # asyncpg's "connection is closed": the next attempt opens a new one.
        return "closed" in str(exc)
    if type(exc).__name__ in _TRANSIENT_DRIVER_NAMES:
        return True
    if isinstance(exc, kafka_errors.KafkaError):
        return bool(exc.retriable) or isinstance(exc, _TRANSIENT_KAFKA)
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError | sa_exc.TimeoutError):
        return True
    return isinstance(exc, OSError | TimeoutError)


def is_transient(exc: BaseException) -> bool:
    """Failures of the infrastructure, not of the work: retry (consumers never dead-letter them).

    Wrapped errors count by what they wrap (SQLAlchemy's DBAPIError around asyncpg's, or any
    exception raised ``from`` one), a few links deep; an error merely raised while handling
    a transient one (``__context__``) does not.
    """
    seen: BaseException | None = exc
    for _ in range(5):
        if seen is None:
            return False
        if _transient_one(seen):
            return True
        nxt = getattr(seen, "orig", None) if isinstance(seen, sa_exc.DBAPIError) else None
        seen = nxt if isinstance(nxt, BaseException) else seen.__cause__
    return False


def any_error(exc: BaseException) -> bool:
    """For loops whose only answer to any failure is to start over (restart a worker)."""
    return isinstance(exc, Exception)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with "equal jitter": the n-th wait lies in [e/2, e], e = min(first * 2**(n-1), cap).

    Half of it is fixed, so a retry never comes at once; half is random, so replicas spread out.
    """

    first: float
    cap: float

    def wait(self) -> wait_base:
        half_first, half_cap = self.first / 2, self.cap / 2
        return wait_exponential(multiplier=half_first, max=half_cap) + wait_random_exponential(
            multiplier=half_first, max=half_cap
        )


# The shared policies (seconds).
RELAY = Backoff(first=0.2, cap=5.0)  # outbox relay: publish or database failed
CONSUMER = Backoff(first=0.2, cap=5.0)  # a consumer's transaction hit an infrastructure error
CONSUMER_RESTART = Backoff(first=0.5, cap=10.0)  # a consumer lost Kafka and starts over
DEAD_LETTER = Backoff(first=0.5, cap=5.0)  # publishing a dead letter
LISTENER = Backoff(first=0.5, cap=15.0)  # LISTEN connection lost
TOPICS = Backoff(first=0.5, cap=5.0)  # creating topics while the broker starts
STARTUP = Backoff(first=0.5, cap=5.0)  # a service waiting for its database or Kafka at start-up
WORKER_RESTART = Backoff(first=0.5, cap=10.0)  # a background worker crashed and is started again

# How long start-up steps wait for a dependency before giving up (the process supervisor takes over).
STARTUP_PATIENCE = 60.0


def retrying(
    backoff: Backoff,
    *,
    what: str,
    retry_on: Callable[[BaseException], bool] = is_transient,
    give_up_after: float | None = None,
    on_retry: Callable[[BaseException], Awaitable[None]] | None = None,
    log_traceback: bool = False,
    **log_fields: Any,
) -> Retrier:
    """A tenacity retrier for one edge: retries ``retry_on`` failures, re-raises any other (and the
    last one after ``give_up_after`` seconds), logs each retry, and runs ``on_retry`` (e.g. drop a
    broken connection) before sleeping. Build one per call: tenacity keeps per-call state on it.
    """

    async def before_sleep(state: RetryCallState) -> None:
        error = _log_retry(state, what, traceback=log_traceback, fields=log_fields)
        if on_retry is not None and error is not None:
            await on_retry(error)

    return Retrier(
        AsyncRetrying(
            retry=retry_if_exception(retry_on),
            wait=backoff.wait(),
            stop=_stop(give_up_after),
            before_sleep=before_sleep,
            reraise=True,
        )
    )


def _stop(give_up_after: float | None) -> stop_base:
    return stop_never if give_up_after is None else stop_after_delay(give_up_after)


def _log_retry(
    state: RetryCallState, what: str, *, traceback: bool | None, fields: dict[str, Any]
) -> BaseException | None:
    """Logs the failed attempt that `state` is about to retry, and returns its error. `traceback`:
    whether the log carries it as exc_info (None: no exc_info field at all)."""
    error = state.outcome.exception() if state.outcome is not None else None
    wait = state.next_action.sleep if state.next_action is not None else None
    if traceback is not None:
        fields = {"exc_info": error if traceback else None, **fields}
    log.warning(
        f"{what} failed; retrying",
        error=f"{type(error).__name__}: {error}" if error is not None else None,
        attempt=state.attempt_number,
        retry_in=round(wait, 3) if wait is not None else None,
        **fields,
    )
    return error


class Retrier:
    """``await retrier(fn, *args)``: tenacity's AsyncRetrying, typed by what ``fn`` returns."""

    def __init__(self, retrying: AsyncRetrying) -> None:
        self.tenacity = retrying

    async def __call__(self, fn: Callable[P, Awaitable[T]], *args: P.args, **kwargs: P.kwargs) -> T:
        return cast(T, await self.tenacity(fn, *args, **kwargs))


def retrying_sync(
    backoff: Backoff,
    *,
    what: str,
    retry_on: Callable[[BaseException], bool] = is_transient,
    give_up_after: float | None = None,
) -> Retrying:
    """retrying() for blocking code (e.g. `python -m <service> migrate` waiting for its database)."""

    def before_sleep(state: RetryCallState) -> None:
        _log_retry(state, what, traceback=None, fields={})

    return Retrying(
        retry=retry_if_exception(retry_on),
        wait=backoff.wait(),
        stop=_stop(give_up_after),
        before_sleep=before_sleep,
        reraise=True,
    )
