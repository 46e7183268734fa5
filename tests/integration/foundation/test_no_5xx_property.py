"""No 5xx for any input: random headers, cursors, limits, path ids and numbers through every route.

All four services run in process (httpx.ASGITransport) on their own fresh PostgreSQL databases
and the test's Kafka topics. Each example picks a route of one service and sends it garbage or
near-valid input: If-Match, Idempotency-Key and Authorization headers (valid tokens of every
role, and junk), crafted and random cursors, limits, amounts beyond what columns hold, odd
path ids. Whatever the input, the answer is below 500 and, when it is an error, an RFC 9457
problem. A few real objects are created first so that ids can hit existing rows.
"""

from __future__ import annotations

import base64
import json
import os
import re
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SERVICES = ("dealreg", "incentives", "pipeline", "notifications")
EXAMPLES = int(os.environ.get("NO_5XX_EXAMPLES", "300"))  # a few hundred by default: the run stays short
VENDOR, PARTNER, REP = "acme-prop", "p-prop", "rep-prop"

# Header values: what an HTTP client can send (latin-1), controls excluded (h11 refuses them itself).
LATIN1 = st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f")
HEADER_TEXT = st.text(LATIN1, max_size=40)
# Every field name a list cursor of these services carries, so crafted cursors have the right shape.
CURSOR_FIELDS = ("c", "i", "h", "seq", "starts_on", "id", "created_at", "unknown", "key")
JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**64), max_value=2**64), st.floats(allow_nan=False),
    st.text(max_size=30), st.sampled_from(["2026-01-01", "2026-01-01T00:00:00Z", "x", "\x00", "9" * 30]),
)  # fmt: skip


def _b64(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


CURSOR = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.dictionaries(st.sampled_from(CURSOR_FIELDS), JSON_SCALAR, max_size=3).map(_b64),
    st.lists(JSON_SCALAR, max_size=2).map(_b64),
)
LIMIT = st.one_of(st.none(), st.integers(min_value=-(2**70), max_value=2**70).map(str), st.text(max_size=8))
# Amounts and percentages: in bounds, at the bounds, beyond NUMERIC(18, 2), and not numbers at all.
NUMBER_TEXT = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True, places=2).map(str),
    st.integers(min_value=-(10**25), max_value=10**25).map(str),
    st.sampled_from([
        "999999999999999.99", "1000000000000000.00", "1000000000000.00", "1e400", "-0", "NaN", "0.001",
        "1" * 40, "²", "١٢", "12,5", " 1 ",
    ]),
)  # fmt: skip
NUMBER = st.one_of(NUMBER_TEXT, st.integers(min_value=-(2**70), max_value=2**70), st.floats())
ID = st.one_of(
    st.sampled_from([VENDOR, PARTNER, REP, "1", "0", "2027Q1", "2026-13", "-1"]),
    st.text(min_size=1, max_size=30),
)
PERIOD = st.one_of(st.sampled_from(["2027Q1", "2026Q4", "2027Q5", "1999Q0", "Q1"]), st.text(max_size=10))
COUNT = st.one_of(st.integers(min_value=-(2**70), max_value=2**70), NUMBER_TEXT)
SOON = (date.today() + timedelta(days=40)).isoformat()


def _program(n: Any) -> dict[str, Any]:
    return {
        "vendor_id": VENDOR, "name": "P", "currency": "USD", "starts_on": date.today().isoformat(), "ends_on": SOON,
        "registration_reward_pct": n, "tier_multipliers": {"1": n, "2": "1", "3": "1"},
        "stage_bonuses": {"qualified": n}, "budget": n, "cap_per_deal": n,
    }  # fmt: skip


def _forecast(n: Any) -> dict[str, Any]:
    return {"expected_registrations": n, "win_rate": n, "avg_deal_amount": n, "avg_margin_pct": n}


def _deal(n: Any, q: Any) -> dict[str, Any]:
    return {
        "vendor_id": VENDOR, "partner_id": PARTNER, "customer": {"name": "Globex", "domain": "globex.com"},
        "products": [{"sku": "FW-500", "quantity": q, "unit_price": n}], "currency": "USD", "margin_pct": n,
        "expected_close_date": SOON,
    }  # fmt: skip


# Near-valid bodies, each with the drawn number(s) where amounts, percentages and counts go.
BODIES: dict[tuple[str, str], Callable[[Any, Any], Any]] = {
    ("POST", "/v1/deals"): _deal,
    ("POST", "/v1/deals/batch"): lambda n, q: {"items": [_deal(n, q), {**_deal("10", 1), "idempotency_key": n}]},
    ("POST", "/v1/deals/{deal_id}/close"): lambda n, q: {"outcome": "won", "final_amount": n},
    ("POST", "/v1/deals/{deal_id}/decision"): lambda n, q: {"decision": "approve"},
    ("POST", "/v1/deals/{deal_id}/stage"): lambda n, q: {"stage": "qualified"},
    ("PUT", "/v1/partners/{partner_id}"): lambda n, q: {"name": "N", "tier": q, "vendor_ids": [VENDOR]},
    ("PUT", "/v1/vendors/{vendor_id}/approval-policy"): lambda n, q: {
        "auto_approve_max_amount": n, "auto_approve_tiers": [1], "max_extensions": q,
    },
    ("POST", "/v1/programs"): lambda n, q: _program(n),
    ("POST", "/v1/programs/simulate"): lambda n, q: {"program": _program(n), "forecast": _forecast(q)},
    ("POST", "/v1/program-proposals"): lambda n, q: {"program": _program(n), "forecast": _forecast(q)},
    ("PUT", "/v1/vendors/{vendor_id}/incentive-policy"): lambda n, q: {
        "min_roi": n, "max_registration_reward_pct": n, "max_budget": n, "assumed_win_rate": q,
    },
    ("POST", "/v1/payouts"): lambda n, q: {"vendor_id": VENDOR, "currency": "USD"},
    ("PUT", "/v1/vendors/{vendor_id}/pipeline-policy"): lambda n, q: {"total_index": n, "at_risk_threshold": q},
    ("PUT", "/v1/plans/{partner_id}/{period}"): lambda n, q: {
        "vendor_id": VENDOR, "revenue_target": n, "currency": "USD",
    },
    ("POST", "/v1/lead-waterfall"): lambda n, q: {
        "revenue_target": n, "avg_deal_size": q, "win_rate": "0.2", "lead_to_opportunity_rate": "0.1",
        "existing_pipeline": n,
    },
    ("POST", "/v1/subscriptions"): lambda n, q: {"url": "https://hooks.example/x", "event_types": ["deal-registered"]},
    ("POST", "/v1/subscriptions/{subscription_id}/replay"): lambda n, q: {"since": "2026-01-01T00:00:00Z", "until": n},
}


@dataclass
class Target:
    service: str
    method: str
    path: str
    params: list[str]
    queries: list[str]


@dataclass
class Stack:
    clients: dict[str, httpx.AsyncClient]
    tokens: list[dict[str, str]]
    known_ids: list[str] = field(default_factory=list)


def _targets(app: Any, service: str) -> list[Target]:
    """Every operation of the service's OpenAPI document (the routes it really serves)."""
    out = []
    for path, operations in app.openapi()["paths"].items():
        params = re.findall(r"{(\w+)}", path)
        for method, operation in operations.items():
            queries = [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
            out.append(Target(service, method.upper(), path, params, queries))
    return out


@pytest.fixture
async def stack(service_client: Any, token: Callable[..., dict[str, str]]) -> AsyncIterator[tuple[Stack, list[Target]]]:
    tokens = [
        token("admin", sub="ops"),
        token("vendor", sub="approver", vendor_id=VENDOR),
        token("vendor", sub="other", vendor_id="other-vendor"),
        token("partner", sub=REP, partner_id=PARTNER),
        token("aggregator", sub="agg", partner_ids=[PARTNER, "p-other"]),
    ]
    async with (
        service_client("dealreg") as (dealreg, dealreg_app),
        service_client("incentives") as (incentives, incentives_app),
        service_client("pipeline") as (pipeline, pipeline_app),
        service_client("notifications", webhook_allow_private=True) as (notifications, notifications_app),
    ):
        clients = {"dealreg": dealreg, "incentives": incentives, "pipeline": pipeline, "notifications": notifications}
        targets = [
            t for service, app in zip(
                SERVICES, (dealreg_app, incentives_app, pipeline_app, notifications_app), strict=True
            ) for t in _targets(app, service)
        ]  # fmt: skip
        admin, vendor = tokens[0], tokens[1]
        stack = Stack(clients, tokens)
        # Real rows, so that drawn ids sometimes exist and deeper code paths run.
        r = await dealreg.put(f"/v1/partners/{PARTNER}", json={"name": "Prop", "tier": 1}, headers=vendor)
        assert r.status_code in (200, 201), r.text
        r = await dealreg.post("/v1/deals", json=_deal("100.00", 1), headers=tokens[3])
        assert r.status_code == 201, r.text
        stack.known_ids.append(r.json()["id"])
        r = await incentives.post("/v1/programs", json={
            "vendor_id": VENDOR, "name": "P", "currency": "USD", "starts_on": date.today().isoformat(),
            "ends_on": SOON, "registration_reward_pct": "10",
        }, headers=admin)  # fmt: skip
        if r.status_code == 201:
            stack.known_ids.append(r.json()["id"])
        r = await notifications.post(
            "/v1/subscriptions", json={"url": "https://hooks.example/x", "event_types": ["deal-registered"]},
            headers=vendor,
        )  # fmt: skip
        if r.status_code == 201:
            stack.known_ids.append(r.json()["id"])
        yield stack, targets


@st.composite
def requests(draw: st.DrawFn, stack: Stack, targets: list[Target]) -> tuple[str, str, str, dict[str, Any], Any]:
    target = draw(st.sampled_from(targets))
    path = target.path
    for name in target.params:
        known = st.sampled_from([*stack.known_ids, PARTNER, VENDOR, REP])
        value = draw(st.one_of(known, PERIOD if name == "period" else ID))
        path = path.replace("{" + name + "}", urllib.parse.quote(value, safe=""))
    headers: dict[str, Any] = {}
    # Mostly valid tokens (to get past authentication), sometimes junk.
    if draw(st.integers(min_value=0, max_value=9)) < 8:
        auth = draw(st.sampled_from(stack.tokens))["Authorization"]
    else:
        auth = draw(st.one_of(
            st.sampled_from(["", "Bearer", "Bearer a.b.c", "Basic Zm9vOmJhcg=="]), HEADER_TEXT.map("Bearer ".__add__)
        ))  # fmt: skip
    headers["Authorization"] = auth.encode("latin-1")
    if draw(st.booleans()):
        if_match = draw(st.one_of(
            HEADER_TEXT, st.integers(min_value=-5, max_value=10**20).map(str),
            st.integers(min_value=0, max_value=3).map(lambda v: f'"{v}"'),
            st.sampled_from(["*", 'W/"1"', "²", "1, 2", '"', "0x1"]),
        ))  # fmt: skip
        headers["If-Match"] = if_match.encode("latin-1")
    which_key = draw(st.integers(min_value=0, max_value=4))
    if which_key == 3:
        headers["Idempotency-Key"] = f"k-{draw(st.integers(min_value=0, max_value=20))}"
    elif which_key == 4:
        key = draw(st.one_of(HEADER_TEXT, st.text(LATIN1, min_size=250, max_size=300)))
        headers["Idempotency-Key"] = key.encode("latin-1")
    query: dict[str, Any] = {}
    for name in target.queries:
        if draw(st.booleans()):
            continue
        if name == "cursor":
            query[name] = draw(CURSOR)
        elif name == "limit":
            query[name] = draw(LIMIT)
        elif name == "period":
            query[name] = draw(PERIOD)
        else:
            query[name] = draw(st.one_of(ID, NUMBER_TEXT, st.sampled_from(["2026-01-01T00:00:00Z", "2026-13-01"])))
    query = {k: v for k, v in query.items() if v is not None}
    body = None
    if target.method in ("POST", "PUT"):
        template = BODIES.get((target.method, target.path))
        number, count = draw(NUMBER), draw(COUNT)
        junk = st.dictionaries(st.text(max_size=10), JSON_SCALAR, max_size=3)
        body = template(number, count) if template else draw(junk)
    return target.service, target.method, path, {"headers": headers, "params": query}, body


@settings(
    max_examples=EXAMPLES, deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)  # fmt: skip
@given(data=st.data())
async def test_no_route_answers_5xx_whatever_the_input(stack: tuple[Stack, list[Target]], data: st.DataObject) -> None:
    services, targets = stack
    service, method, path, options, body = data.draw(requests(services, targets), label="request")
    if body is not None:
        options["content"] = json.dumps(body, default=str)
        options["headers"] = {**options["headers"], "Content-Type": "application/json"}
    response = await services.clients[service].request(method, path, **options)
    assert response.status_code < 500, f"{method} {service}{path} {options} {body!r}: {response.text[:500]}"
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json"), response.text[:200]
