"""Calling an operation with retries that are safe: every attempt carries the same Idempotency-Key.

The platform remembers a keyed POST's answer for 24 hours, so an attempt whose answer was lost
(a timeout, a reset connection, a 502 from a proxy) is retried with the key it already used: the
first attempt's effect happens once and the retry gets its answer (`Idempotent-Replayed: true`).
Retried: transport errors, 409 (the same key is still in flight), 429 (after its Retry-After),
500, 502, 503 and 504 (a 5xx is never remembered). Any other answer is returned as it is.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from channel_platform_client.errors import Answer

A = TypeVar("A", bound=Answer[Any])

RETRY_STATUSES = frozenset({409, 429, 500, 502, 503, 504})


class _RetryableAnswer(Exception):
    def __init__(self, answer: Answer[Any]) -> None:
        super().__init__(f"retryable answer {int(answer.status_code)}")
        self.answer = answer


@dataclass(frozen=True)
class RetryPolicy:
    """How long to keep trying: `attempts` in all, waits growing with jitter up to `max_wait` seconds."""

    attempts: int = 6
    first_wait: float = 0.2
    max_wait: float = 10.0

    def wait(self, state: RetryCallState) -> float:
        backoff = wait_random_exponential(multiplier=self.first_wait, max=self.max_wait)(state)
        outcome = state.outcome
        failure = outcome.exception() if outcome is not None else None
        if isinstance(failure, _RetryableAnswer):
            retry_after = failure.answer.headers.get("retry-after", "")
            if retry_after.isdigit():  # 429: the server says when a token is free again
                return min(max(backoff, float(retry_after)), self.max_wait)
        return backoff

    def _options(self) -> dict[str, Any]:
        return {
            "stop": stop_after_attempt(self.attempts),
            "wait": self.wait,
            "retry": retry_if_exception_type((httpx.TransportError, _RetryableAnswer)),
            "reraise": True,
        }


DEFAULT_POLICY = RetryPolicy()


def _with_key(operation: Callable[..., Any], kwargs: dict[str, Any], idempotency_key: str | None) -> dict[str, Any]:
    """The call's arguments, with one Idempotency-Key for every attempt when the operation takes one."""
    if "idempotency_key" in inspect.signature(operation).parameters:
        kwargs = {**kwargs, "idempotency_key": kwargs.get("idempotency_key") or idempotency_key or str(uuid.uuid4())}
    return kwargs


def _checked(answer: A) -> A:
    if int(answer.status_code) in RETRY_STATUSES:
        raise _RetryableAnswer(answer)
    return answer


def call(
    operation: Callable[..., A],
    /,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    idempotency_key: str | None = None,
    **kwargs: Any,
) -> A:
    """`operation(**kwargs)` (a generated `sync_detailed`), retried under `policy` with one key.

    After the last attempt, a retryable answer is returned as it is and a transport error raised.
    """
    arguments = _with_key(operation, kwargs, idempotency_key)
    try:
        for attempt in Retrying(**policy._options()):
            with attempt:
                return _checked(operation(**arguments))
    except _RetryableAnswer as exhausted:
        last: A = exhausted.answer  # type: ignore[assignment]
        return last
    raise AssertionError("unreachable")  # pragma: no cover


async def call_async(
    operation: Callable[..., Awaitable[A]],
    /,
    *,
    policy: RetryPolicy = DEFAULT_POLICY,
    idempotency_key: str | None = None,
    **kwargs: Any,
) -> A:
    """`call` for a generated `asyncio_detailed`."""
    arguments = _with_key(operation, kwargs, idempotency_key)
    try:
        async for attempt in AsyncRetrying(**policy._options()):
            with attempt:
                return _checked(await operation(**arguments))
    except _RetryableAnswer as exhausted:
        last: A = exhausted.answer  # type: ignore[assignment]
        return last
    raise AssertionError("unreachable")  # pragma: no cover
