"""Rate limits per principal: a token bucket per caller, 429 with Retry-After when empty.

Buckets live in the process (each replica limits on its own: with N replicas behind a
load balancer a caller gets at most N times the rate). Unauthenticated requests are
limited per client address, so a flood of bad tokens is throttled too.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from servicekit.auth import principal_or_none
from servicekit.problems import Problem, problem_response

_EXEMPT = {"/healthz", "/readyz", "/metrics"}


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """`rate` requests per second on average, bursts up to `burst`; bounded memory (LRU)."""

    def __init__(self, rate: float, burst: int, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_keys = max_keys
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, key: str, now: float | None = None) -> float:
        """0 if the request may go ahead, else the seconds until a token is available."""
        now = time.monotonic() if now is None else now
        bucket = self._buckets.pop(key, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate)
        bucket.updated = now
        self._buckets[key] = bucket
        if len(self._buckets) > self.max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate


class RateLimitMiddleware:
    def __init__(self, app: ASGIApp, per_minute: int, burst: int) -> None:
        self.app = app
        self.enabled = per_minute > 0
        self.buckets = TokenBuckets(per_minute / 60.0, max(burst, 1))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.enabled or scope["type"] != "http" or scope["path"] in _EXEMPT:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        principal = principal_or_none(request)
        client = scope.get("client") or ("unknown", 0)
        key = principal.scope_key if principal else f"addr:{client[0]}"
        wait = self.buckets.take(key)
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            problem = Problem(
                429, f"Too many requests; retry after {retry_after} s.", headers={"Retry-After": retry_after}
            )
            await problem_response(problem, request)(scope, receive, send)
            return
        await self.app(scope, receive, send)
