"""Real default limits per role, and per-caller buckets behind a trusted proxy (uvicorn's proxy headers)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import APIRouter, FastAPI

from devstack.tokens import dev_token
from servicekit import ratelimit
from servicekit.app import create_service_app
from servicekit.cli import serve_options
from servicekit.ratelimit import Limit, parse_limits
from servicekit.settings import ServiceSettings

LIMIT_ENV = ["RATE_LIMITS", "RATE_LIMIT_PER_MINUTE", "RATE_LIMIT_BURST", "FORWARDED_ALLOW_IPS"]


@pytest.fixture(autouse=True)
def production_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LIMIT_ENV:
        monkeypatch.delenv(name, raising=False)
    # The buckets' clock stands still: what a caller gets is exactly its burst, however slow this machine.
    take = ratelimit.TokenBuckets.take
    monkeypatch.setattr(ratelimit.TokenBuckets, "take", lambda self, key, now=None: take(self, key, 1000.0))


def _app(**settings: Any) -> FastAPI:
    router = APIRouter()

    @router.get("/v1/thing")
    async def thing() -> dict[str, bool]:
        return {"ok": True}

    return create_service_app(
        settings=ServiceSettings(environment="development", **settings),
        title="t",
        description="t",
        routers=[router],
        publishes_events=False,
    )


CALLER = ("198.51.100.7", 1)


async def _statuses(app: Any, n: int, headers: dict[str, str], client: tuple[str, int] = CALLER) -> list[int]:
    transport = httpx.ASGITransport(app=app, client=client)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        return [(await http.get("/v1/thing", headers=headers)).status_code for _ in range(n)]


def _allowed(app: Any, n: int, headers: dict[str, str], **kw: Any) -> int:
    return asyncio.run(_statuses(app, n, headers, **kw)).count(200)


def bearer(role: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, **claims)}"}


def test_the_defaults_limit_each_role_and_anonymous_callers_most() -> None:
    limits = parse_limits(ServiceSettings().rate_limits)
    assert limits["anonymous"].burst < limits["partner"].burst <= limits["aggregator"].burst
    assert limits["partner"] == limits["vendor"]
    assert all(0 < limit.per_minute <= 1200 for limit in limits.values())

    app = _app()
    # A burst is what a role may send at once; the next request waits (429 with Retry-After).
    assert _allowed(app, 40, {}) == limits["anonymous"].burst
    assert _allowed(app, 60, bearer("partner", sub="rep-1", partner_id="p1")) == limits["partner"].burst
    assert _allowed(app, 150, bearer("aggregator", sub="agg", partner_ids=["p1"])) == limits["aggregator"].burst


def test_one_limit_for_everybody_can_still_be_set_and_zero_turns_limits_off() -> None:
    assert _allowed(_app(rate_limit_per_minute=60, rate_limit_burst=3), 10, bearer("admin")) == 3
    assert _allowed(_app(rate_limit_per_minute=0), 100, {}) == 100


def test_rate_limits_are_parsed_per_role() -> None:
    assert parse_limits("anonymous=30/5, partner=600/60") == {"anonymous": Limit(30, 5), "partner": Limit(600, 60)}
    with pytest.raises(ValueError, match="partner=lots"):
        parse_limits("partner=lots")


def _served(forwarded_allow_ips: str) -> Any:
    """The app as `python -m <service> serve` runs it (uvicorn's proxy-headers middleware included)."""
    settings = ServiceSettings(environment="development", forwarded_allow_ips=forwarded_allow_ips)
    options = {k: v for k, v in serve_options(settings).items() if k not in ("loop", "http")}
    config = uvicorn.Config(_app(forwarded_allow_ips=forwarded_allow_ips), **options)
    config.load()
    return config.loaded_app


def test_behind_a_trusted_ingress_each_anonymous_caller_has_its_own_bucket() -> None:
    app = _served("10.0.0.0/8")
    ingress = ("10.2.3.4", 40000)
    burst = parse_limits(ServiceSettings().rate_limits)["anonymous"].burst
    assert _allowed(app, burst + 5, {"X-Forwarded-For": "203.0.113.1"}, client=ingress) == burst
    assert _allowed(app, 1, {"X-Forwarded-For": "203.0.113.2"}, client=ingress) == 1, "another caller is not limited"


def test_x_forwarded_for_from_an_untrusted_peer_is_ignored() -> None:
    app = _served("10.0.0.0/8")
    attacker = ("203.0.113.66", 40000)
    burst = parse_limits(ServiceSettings().rate_limits)["anonymous"].burst
    spoofed = [_allowed(app, 1, {"X-Forwarded-For": f"192.0.2.{i}"}, client=attacker) for i in range(burst + 5)]
    assert sum(spoofed) == burst, "a made-up X-Forwarded-For does not buy a fresh bucket"
