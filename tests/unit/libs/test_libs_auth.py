"""Bearer tokens: only HS256 tokens signed with our secret, with the claims their role needs."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from servicekit.auth import InvalidToken, decode_token, mint_token, principal_from_claims
from servicekit.principal import Principal, Role

SECRET = "unit-test-secret-0123456789abcdef-0123456789"
OTHER_SECRET = "another-secret-0123456789abcdef-0123456789ab"
LONG_SECRET = SECRET * 2  # long enough for HS512, so only the algorithm differs


def signed(claims: dict[str, Any], secret: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, secret, algorithm=algorithm)


def future() -> datetime:
    return datetime.now(UTC) + timedelta(hours=1)


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    ("role", "claims", "expected"),
    [
        ("partner", {"partner_id": "p1"}, Principal(Role.PARTNER, "u1", partner_id="p1")),
        ("vendor", {"vendor_id": "v1"}, Principal(Role.VENDOR, "u1", vendor_id="v1")),
        (
            "aggregator",
            {"partner_ids": ["p1", "p2"]},
            Principal(Role.AGGREGATOR, "u1", partner_ids=frozenset({"p1", "p2"})),
        ),
        ("admin", {}, Principal(Role.ADMIN, "u1")),
    ],
)
def test_mint_token_round_trips_to_the_same_principal(role: str, claims: dict[str, Any], expected: Principal) -> None:
    assert decode_token(mint_token(SECRET, role=role, sub="u1", **claims), SECRET) == expected


def test_alg_none_token_is_refused() -> None:
    header = b64(b'{"alg":"none","typ":"JWT"}')
    payload = b64(f'{{"role":"admin","sub":"u1","exp":{int(future().timestamp())}}}'.encode())
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{payload}.", SECRET)


def test_token_signed_with_another_algorithm_is_refused() -> None:
    token = signed({"role": "admin", "sub": "u1", "exp": future()}, LONG_SECRET, algorithm="HS512")
    with pytest.raises(InvalidToken):
        decode_token(token, LONG_SECRET)


def test_token_signed_with_another_key_is_refused() -> None:
    with pytest.raises(InvalidToken):
        decode_token(mint_token(OTHER_SECRET, role="admin", sub="u1"), SECRET)


def test_tampered_payload_is_refused() -> None:
    header, _, signature = mint_token(SECRET, role="partner", sub="u1", partner_id="p1").split(".")
    forged = b64(f'{{"role":"admin","sub":"u1","exp":{int(future().timestamp())}}}'.encode())
    with pytest.raises(InvalidToken):
        decode_token(f"{header}.{forged}.{signature}", SECRET)


def test_expired_token_is_refused() -> None:
    with pytest.raises(InvalidToken):
        decode_token(mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(minutes=-1)), SECRET)


def test_token_within_clock_skew_leeway_is_accepted() -> None:
    token = mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(seconds=-2))
    assert decode_token(token, SECRET).role is Role.ADMIN


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"role": "admin", "sub": "u1"}, "no exp"),
        ({"role": "admin", "exp": "FUTURE"}, "no sub"),
        ({"role": "admin", "sub": "", "exp": "FUTURE"}, "empty sub"),
        ({"role": "root", "sub": "u1", "exp": "FUTURE"}, "unknown role"),
        ({"role": "ADMIN", "sub": "u1", "exp": "FUTURE"}, "role is case-sensitive"),
        ({"sub": "u1", "exp": "FUTURE"}, "no role"),
        ({"role": "partner", "sub": "u1", "exp": "FUTURE"}, "partner without partner_id"),
        ({"role": "partner", "sub": "u1", "exp": "FUTURE", "partner_id": ""}, "partner with empty partner_id"),
        ({"role": "partner", "sub": "u1", "exp": "FUTURE", "partner_id": 7}, "partner with numeric partner_id"),
        ({"role": "vendor", "sub": "u1", "exp": "FUTURE"}, "vendor without vendor_id"),
        ({"role": "aggregator", "sub": "u1", "exp": "FUTURE"}, "aggregator without partner_ids"),
        ({"role": "aggregator", "sub": "u1", "exp": "FUTURE", "partner_ids": []}, "aggregator with none"),
        ({"role": "aggregator", "sub": "u1", "exp": "FUTURE", "partner_ids": "p1"}, "partner_ids not a list"),
        ({"role": "aggregator", "sub": "u1", "exp": "FUTURE", "partner_ids": ["p1", ""]}, "empty partner id"),
    ],
)
def test_token_missing_what_its_role_needs_is_refused(claims: dict[str, Any], reason: str) -> None:
    claims = {k: (future() if v == "FUTURE" else v) for k, v in claims.items()}
    with pytest.raises(InvalidToken):
        decode_token(signed(claims), SECRET)


@pytest.mark.parametrize("garbage", ["", "not-a-jwt", "a.b.c", "Bearer x.y.z"])
def test_garbage_token_is_refused(garbage: str) -> None:
    with pytest.raises(InvalidToken):
        decode_token(garbage, SECRET)


def test_partner_token_carrying_vendor_id_gets_no_vendor_rights() -> None:
    token = mint_token(SECRET, role="partner", sub="u1", partner_id="p1", vendor_id="x", partner_ids=["p2"])
    principal = decode_token(token, SECRET)
    assert principal.vendor_id is None
    assert principal.partner_ids == frozenset()
    assert not principal.acts_for_vendor("x")
    assert not principal.acts_for_partner("p2")
    assert principal.acts_for_partner("p1")


def test_vendor_token_carrying_partner_claims_gets_no_partner_rights() -> None:
    token = mint_token(SECRET, role="vendor", sub="u1", vendor_id="v1", partner_id="p1", partner_ids=["p2"])
    principal = decode_token(token, SECRET)
    assert (principal.partner_id, principal.partner_ids) == (None, frozenset())
    assert not principal.acts_for_partner("p1")
    assert not principal.acts_for_partner("p2")


def test_aggregator_token_carrying_vendor_and_partner_id_keeps_only_its_partner_list() -> None:
    principal = principal_from_claims(
        {"role": "aggregator", "sub": "u1", "partner_ids": ["p1"], "partner_id": "p9", "vendor_id": "x"}
    )
    assert principal == Principal(Role.AGGREGATOR, "u1", partner_ids=frozenset({"p1"}))
    assert not principal.acts_for_vendor("x")
    assert not principal.acts_for_partner("p9")


@pytest.mark.parametrize("escalation", [{"is_admin": True}, {"admin": True}, {"roles": ["admin"]}, {"scope": "admin"}])
def test_extra_claims_cannot_escalate_a_partner(escalation: dict[str, Any]) -> None:
    principal = decode_token(mint_token(SECRET, role="partner", sub="u1", partner_id="p1", **escalation), SECRET)
    assert principal.role is Role.PARTNER
    assert not principal.is_admin
    assert not principal.acts_for_vendor("x")
    assert not principal.acts_for_partner("p2")


def test_minted_token_is_hs256_with_the_requested_lifetime() -> None:
    token = mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(minutes=30))
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, SECRET, algorithms=["HS256"])
    assert claims["exp"] - claims["iat"] == 30 * 60
