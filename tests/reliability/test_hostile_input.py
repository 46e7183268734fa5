"""Hostile requests: oversized, deeply nested, badly encoded or absurd bodies, and forged or
escalating tokens. Each gets a 4xx naming what is wrong, never a 5xx or extra rights."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest
from rel_infra import admin_headers

from devstack.processes import Stack
from devstack.tokens import dev_token
from servicekit.settings import DEV_AUTH_SECRET
from support.scenario import PROGRAM, partner_profile, registration

VENDOR = "hostile-v"
PARTNER = "p-hostile"
OTHER_PARTNER = "p-hostile-other"

# One write per service, with a valid body to spoil.
WRITES: dict[str, tuple[str, str, dict[str, Any]]] = {
    "dealreg": ("POST", "/v1/deals", {**registration("Hostile Inc", vendor_id=VENDOR), "partner_id": PARTNER}),
    "incentives": ("POST", "/v1/programs", {**PROGRAM, "vendor_id": VENDOR}),
    "pipeline": (
        "POST",
        "/v1/lead-waterfall",
        {
            "revenue_target": "100000.00",
            "avg_deal_size": "10000.00",
            "win_rate": "0.25",
            "lead_to_opportunity_rate": "0.5",
        },
    ),
    "notifications": (
        "POST",
        "/v1/subscriptions",
        {"url": "https://example.com/hook", "event_types": ["deal-registered"]},
    ),
}
# A GET every caller may try, per service.
READS = {
    "dealreg": "/v1/deals",
    "incentives": "/v1/programs",
    "pipeline": f"/v1/rollups?vendor_id={VENDOR}",
    "notifications": "/v1/subscriptions",
}


@pytest.fixture(scope="module")
def http(rel_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(timeout=30) as client:
        r = client.put(
            f"{rel_stack.services['dealreg'].url}/v1/partners/{PARTNER}",
            json=partner_profile(vendor_id=VENDOR),
            headers=admin_headers(),
        )
        assert r.status_code in (200, 201), r.text
        yield client


def _url(stack: Stack, service: str, path: str) -> str:
    return stack.services[service].url + path


def _json_headers() -> dict[str, str]:
    return {**admin_headers(), "content-type": "application/json"}


def _locs(response: httpx.Response) -> list[list[Any]]:
    return [e["loc"] for e in response.json().get("errors", [])]


@pytest.mark.parametrize("service", list(WRITES))
def test_an_oversized_body_is_refused_with_413(rel_stack: Stack, http: httpx.Client, service: str) -> None:
    method, path, body = WRITES[service]
    big = json.dumps({**body, "padding": "x" * 1_100_000}).encode()
    r = http.request(method, _url(rel_stack, service, path), content=big, headers=_json_headers())
    assert r.status_code == 413, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("service", list(WRITES))
def test_an_oversized_chunked_body_without_length_is_refused_with_413(
    rel_stack: Stack, http: httpx.Client, service: str
) -> None:
    method, path, _ = WRITES[service]

    def chunks() -> Iterator[bytes]:
        yield b'{"padding": "'
        for _ in range(40):
            yield b"y" * 32_768
        yield b'"}'

    r = http.request(method, _url(rel_stack, service, path), content=chunks(), headers=_json_headers())
    assert r.status_code == 413, r.text


BAD_BODIES = {
    "deeply nested JSON": b'{"customer": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    "deeply nested objects": b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,
    "invalid UTF-8": b'{"vendor_id": "\xff\xfe\xfa", "name": "\xc3\x28"}',
    "truncated JSON": b'{"vendor_id": "acme", ',
    "not JSON": b"\x00\x01\x02 binary",
}


@pytest.mark.parametrize("service", list(WRITES))
@pytest.mark.parametrize("kind", list(BAD_BODIES))
def test_a_malformed_body_gets_a_4xx_and_the_service_keeps_answering(
    rel_stack: Stack, http: httpx.Client, service: str, kind: str
) -> None:
    method, path, _ = WRITES[service]
    r = http.request(method, _url(rel_stack, service, path), content=BAD_BODIES[kind], headers=_json_headers())
    assert r.status_code in (400, 422), (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("application/problem+json")
    assert http.get(_url(rel_stack, service, READS[service]), headers=admin_headers()).status_code == 200


HUGE = "h" * 500_000


def _set(body: dict[str, Any], path: list[Any], value: Any) -> dict[str, Any]:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


HUGE_STRINGS = [
    ("dealreg", ["customer", "name"]),
    ("dealreg", ["notes"]),
    ("dealreg", ["vendor_id"]),
    ("incentives", ["name"]),
    ("incentives", ["vendor_id"]),
    ("notifications", ["url"]),
]


@pytest.mark.parametrize(("service", "field"), HUGE_STRINGS, ids=lambda v: v if isinstance(v, str) else ".".join(v))
def test_a_huge_string_is_refused_with_422_naming_the_field(
    rel_stack: Stack, http: httpx.Client, service: str, field: list[Any]
) -> None:
    method, path, body = WRITES[service]
    r = http.request(method, _url(rel_stack, service, path), json=_set(body, field, HUGE), headers=admin_headers())
    assert r.status_code == 422, r.text[:500]
    assert any(loc[-len(field) :] == field for loc in _locs(r)), _locs(r)


AMOUNT_FIELDS = [
    ("dealreg", ["products", 0, "unit_price"]),
    ("dealreg", ["margin_pct"]),
    ("incentives", ["registration_reward_pct"]),
    ("incentives", ["budget"]),
    ("incentives", ["cap_per_deal"]),
    ("pipeline", ["revenue_target"]),
    ("pipeline", ["avg_deal_size"]),
    ("pipeline", ["win_rate"]),
]
BAD_AMOUNTS = ["-1", "-0.01", "NaN", "Infinity", "-Infinity", "1e400", "12.345.6", ""]


@pytest.mark.parametrize(("service", "field"), AMOUNT_FIELDS, ids=lambda v: v if isinstance(v, str) else str(v[-1]))
@pytest.mark.parametrize("amount", BAD_AMOUNTS)
def test_a_negative_or_non_finite_amount_is_refused_with_422_naming_the_field(
    rel_stack: Stack, http: httpx.Client, service: str, field: list[Any], amount: str
) -> None:
    method, path, body = WRITES[service]
    r = http.request(method, _url(rel_stack, service, path), json=_set(body, field, amount), headers=admin_headers())
    assert r.status_code == 422, (amount, r.status_code, r.text[:500])
    assert any(loc[-len(field) :] == field for loc in _locs(r)), _locs(r)


@pytest.mark.parametrize(("service", "field"), AMOUNT_FIELDS, ids=lambda v: v if isinstance(v, str) else str(v[-1]))
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "-5"])
def test_a_bare_json_number_nan_or_infinity_is_refused_with_422(
    rel_stack: Stack, http: httpx.Client, service: str, field: list[Any], literal: str
) -> None:
    """Python's JSON parser accepts the bare literals NaN and Infinity: they must not get through."""
    method, path, body = WRITES[service]
    marker = "__AMOUNT__"
    raw = json.dumps(_set(body, field, marker)).replace(f'"{marker}"', literal).encode()
    r = http.request(method, _url(rel_stack, service, path), content=raw, headers=_json_headers())
    assert r.status_code == 422, (literal, r.status_code, r.text[:500])
    assert any(loc[-len(field) :] == field for loc in _locs(r)), _locs(r)


# --- tokens -------------------------------------------------------------------------------------


def _forged(claims: dict[str, Any], key: str = DEV_AUTH_SECRET, algorithm: str = "HS256") -> str:
    now = datetime.now(UTC)
    payload = {"sub": "mallory", "iat": now, "exp": now + timedelta(hours=1), **claims}
    return jwt.encode(payload, key, algorithm=algorithm)


def _alg_none(claims: dict[str, Any]) -> str:
    now = datetime.now(UTC)
    payload = {"sub": "mallory", "exp": int((now + timedelta(hours=1)).timestamp()), **claims}
    return jwt.encode(payload, None, algorithm="none")  # type: ignore[arg-type,unused-ignore]


BAD_TOKENS: dict[str, Callable[[], str]] = {
    "alg none": lambda: _alg_none({"role": "admin"}),
    "wrong key": lambda: _forged({"role": "admin"}, key="not-the-secret-0123456789abcdefghijkl"),
    "HS512 with the right key": lambda: _forged({"role": "admin"}, algorithm="HS512"),
    "expired": lambda: _forged({"role": "admin", "exp": datetime.now(UTC) - timedelta(minutes=5)}),
    "no exp": lambda: jwt.encode({"role": "admin", "sub": "mallory"}, DEV_AUTH_SECRET, algorithm="HS256"),
    "unknown role": lambda: _forged({"role": "superuser"}),
    "role list": lambda: _forged({"role": ["admin"]}),
    "tampered payload": lambda: _tampered(),
    "garbage": lambda: "not.a.jwt",
}


def _tampered() -> str:
    """A partner's real token whose payload was edited to say admin (signature unchanged)."""
    import base64

    header, payload, signature = dev_token("partner", sub="rep-x", partner_id=PARTNER).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["role"] = "admin"
    edited = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{edited}.{signature}"


@pytest.mark.parametrize("service", list(READS))
@pytest.mark.parametrize("kind", list(BAD_TOKENS))
def test_a_forged_or_expired_token_gets_401(rel_stack: Stack, http: httpx.Client, service: str, kind: str) -> None:
    r = http.get(_url(rel_stack, service, READS[service]), headers={"Authorization": f"Bearer {BAD_TOKENS[kind]()}"})
    assert r.status_code == 401, (kind, r.status_code, r.text[:300])
    assert r.headers["www-authenticate"].startswith("Bearer")


ESCALATING_CLAIMS: dict[str, Any] = {
    "vendor_id": VENDOR,
    "partner_ids": [OTHER_PARTNER, PARTNER],
    "roles": ["admin"],
    "is_admin": True,
    "scope": "admin",
    "admin": True,
}


def test_claims_outside_the_role_give_a_partner_no_extra_rights(rel_stack: Stack, http: httpx.Client) -> None:
    admin = admin_headers()
    r = http.put(
        _url(rel_stack, "dealreg", f"/v1/partners/{OTHER_PARTNER}"),
        json=partner_profile(vendor_id=VENDOR),
        headers=admin,
    )
    assert r.status_code in (200, 201), r.text
    other = {"Authorization": f"Bearer {dev_token('partner', sub='rep-other', partner_id=OTHER_PARTNER)}"}
    r = http.post(
        _url(rel_stack, "dealreg", "/v1/deals"), json=registration("Escalation Target", vendor_id=VENDOR), headers=other
    )
    assert r.status_code == 201, r.text
    victim_deal = r.json()["id"]

    sneaky = {
        "Authorization": "Bearer " + dev_token("partner", "rep-sneaky", 12, partner_id=PARTNER, **ESCALATING_CLAIMS)
    }
    assert http.get(_url(rel_stack, "dealreg", f"/v1/deals/{victim_deal}"), headers=sneaky).status_code == 404
    listed = http.get(_url(rel_stack, "dealreg", "/v1/deals"), params={"limit": 500}, headers=sneaky).json()
    assert victim_deal not in {d["id"] for d in listed["items"]}
    r = http.post(
        _url(rel_stack, "dealreg", f"/v1/deals/{victim_deal}/decision"), json={"decision": "approve"}, headers=sneaky
    )
    assert r.status_code in (403, 404), r.text
    r = http.post(_url(rel_stack, "incentives", "/v1/programs"), json={**PROGRAM, "vendor_id": VENDOR}, headers=sneaky)
    assert r.status_code == 403, r.text
    r = http.put(
        _url(rel_stack, "dealreg", f"/v1/partners/{PARTNER}"), json=partner_profile(vendor_id=VENDOR), headers=sneaky
    )
    assert r.status_code == 403, r.text
    r = http.get(_url(rel_stack, "pipeline", "/v1/rollups"), params={"vendor_id": VENDOR}, headers=sneaky)
    assert r.status_code in (403, 404), r.text
    r = http.post(
        _url(rel_stack, "dealreg", "/v1/deals"),
        json={**registration("Escalation Two", vendor_id=VENDOR), "partner_id": OTHER_PARTNER},
        headers=sneaky,
    )
    assert r.status_code == 403, "a partner cannot register for another partner"
