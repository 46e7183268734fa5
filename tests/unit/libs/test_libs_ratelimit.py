"""Rate limits per principal: a caller over its rate gets 429 with Retry-After; others do not."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from devstack.tokens import dev_token
from servicekit.problems import install_problem_handlers
from servicekit.ratelimit import RateLimitMiddleware, TokenBuckets
from servicekit.settings import ServiceSettings


def build_app(per_minute: int, burst: int) -> FastAPI:
    app = FastAPI()
    app.state.settings = ServiceSettings()
    install_problem_handlers(app)

    @app.get("/v1/thing")
    async def thing() -> dict[str, bool]:
        return {"ok": True}

    @app.get("/healthz")
    async def healthz() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(RateLimitMiddleware, per_minute=per_minute, burst=burst)
    return app


def bearer(**claims: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(**claims)}"}


def test_a_caller_over_its_burst_gets_429_with_retry_after_and_others_are_unaffected() -> None:
    client = TestClient(build_app(per_minute=60, burst=3))
    greedy = bearer(role="partner", sub="rep-1", partner_id="p-1")
    other = bearer(role="partner", sub="rep-2", partner_id="p-2")
    statuses = [client.get("/v1/thing", headers=greedy).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = client.get("/v1/thing", headers=greedy)
    assert refused.headers["content-type"] == "application/problem+json"
    assert int(refused.headers["retry-after"]) >= 1
    assert client.get("/v1/thing", headers=other).status_code == 200
    assert client.get("/healthz", headers=greedy).status_code == 200  # probes are never limited


def test_buckets_refill_at_the_configured_rate() -> None:
    buckets = TokenBuckets(rate=2.0, burst=1)
    assert buckets.take("k", now=0.0) == 0
    assert buckets.take("k", now=0.1) == pytest.approx(0.4)  # (1 - 0.2 tokens) / 2 per second
    assert buckets.take("k", now=0.6) == 0


def test_zero_turns_the_limit_off() -> None:
    client = TestClient(build_app(per_minute=0, burst=0))
    assert {client.get("/v1/thing").status_code for _ in range(20)} == {200}
