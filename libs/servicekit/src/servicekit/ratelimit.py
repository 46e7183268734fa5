"""Rate limits per principal: a token bucket per caller, 429 with Retry-After when empty.

Buckets live in the process (each replica limits on its own: with N replicas behind a
load balancer a caller gets at most N times the rate). Each role has its own rate
(RATE_LIMITS): an aggregator's batches need more than a partner's portal, a caller
without a valid token gets the least. Unauthenticated requests are limited per client
address (behind a trusted proxy, the forwarded one: see FORWARDED_ALLOW_IPS), so a flood
of bad tokens is throttled too.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from servicekit.auth import authenticate
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


ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Limit:
    per_minute: int
    burst: int


def parse_limits(spec: str) -> dict[str, Limit]:
    """``"anonymous=60/20,partner=300/30"`` -> a Limit per role (ValueError names a bad entry)."""
    limits: dict[str, Limit] = {}
    for entry in filter(None, (e.strip() for e in spec.split(","))):
        role, _, numbers = entry.partition("=")
        per_minute, _, burst = numbers.partition("/")
        try:
            limits[role.strip()] = Limit(int(per_minute), int(burst or per_minute))
        except ValueError:
            raise ValueError(f"RATE_LIMITS: {entry!r} is not role=per_minute/burst") from None
    return limits


def limits_from_settings(settings: object) -> dict[str, Limit]:
    per_minute: int | None = getattr(settings, "rate_limit_per_minute", None)
    burst: int | None = getattr(settings, "rate_limit_burst", None)
    limits = parse_limits(getattr(settings, "rate_limits", ""))
    if per_minute is None and burst is None:
        return limits
    # One limit for every role (RATE_LIMIT_PER_MINUTE / RATE_LIMIT_BURST): a local stack or a load test.
    roles = set(limits) | {ANONYMOUS, "partner", "vendor", "aggregator", "admin"}
    base = limits.get(ANONYMOUS, Limit(60, 20))
    one = Limit(base.per_minute if per_minute is None else per_minute, base.burst if burst is None else burst)
    return dict.fromkeys(roles, one)


class RateLimitMiddleware:
    """Verifies the caller's token (once per request, kept in request.state) and limits it by role.

    ``per_minute``/``burst`` give every caller the same limit; ``limits`` gives one per role.
    A role without an entry gets the anonymous limit; a limit of 0 per minute is no limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        per_minute: int | None = None,
        burst: int | None = None,
        limits: Mapping[str, Limit] | None = None,
    ) -> None:
        self.app = app
        if limits is None:
            one = Limit(per_minute or 0, burst or 0)
            limits = {ANONYMOUS: one}
        self.buckets = {
            role: TokenBuckets(limit.per_minute / 60.0, max(limit.burst, 1))
            for role, limit in limits.items()
            if limit.per_minute > 0
        }
        self.unlimited = {role for role, limit in limits.items() if limit.per_minute <= 0}

    def _buckets_for(self, role: str) -> TokenBuckets | None:
        if role in self.unlimited:
            return None
        return self.buckets.get(role) or self.buckets.get(ANONYMOUS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _EXEMPT:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        principal = (await authenticate(request)).principal
        role = principal.role.value if principal else ANONYMOUS
        buckets = self._buckets_for(role)
        if buckets is None:
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("unknown", 0)
        key = principal.scope_key if principal else f"addr:{client[0]}"
        wait = buckets.take(key)
        if wait > 0:
            retry_after = str(max(1, math.ceil(wait)))
            problem = Problem(
                429, f"Too many requests; retry after {retry_after} s.", headers={"Retry-After": retry_after}
            )
            await problem_response(problem, request)(scope, receive, send)
            return
        await self.app(scope, receive, send)
