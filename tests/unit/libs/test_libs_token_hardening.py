"""Token hardening: no development secret outside development, iss/aud, a maximum lifetime,
RS256 keys from a JWKS endpoint (served here on 127.0.0.1), and one verification per request."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi import APIRouter, FastAPI

from servicekit.app import create_service_app
from servicekit.auth import (
    CurrentPrincipal,
    InsecureAuthSettings,
    InvalidToken,
    TokenVerifier,
    decode_token,
    mint_token,
)
from servicekit.principal import Role
from servicekit.settings import DEV_AUTH_SECRET, ServiceSettings

SECRET = "unit-test-secret-0123456789abcdef-0123456789"


def _app(**settings: Any) -> FastAPI:
    router = APIRouter()

    @router.get("/v1/me")
    async def me(principal: CurrentPrincipal) -> dict[str, str]:
        return {"sub": principal.sub}

    @router.post("/v1/things")
    async def things(principal: CurrentPrincipal) -> dict[str, str]:
        return {"sub": principal.sub}

    return create_service_app(
        settings=ServiceSettings(**settings), title="t", description="t", routers=[router], publishes_events=False
    )


# --- refusing to start -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("secret", "why"),
    [(DEV_AUTH_SECRET, "development secret"), ("short-but-not-the-dev-one", "shorter than 32 bytes")],
)
def test_a_production_service_refuses_to_start_on_a_guessable_secret(secret: str, why: str) -> None:
    with pytest.raises(InsecureAuthSettings, match=why):
        _app(environment="production", auth_secret=secret)


def test_development_allows_the_development_secret_and_production_a_long_random_one() -> None:
    _app(environment="development", auth_secret=DEV_AUTH_SECRET)
    _app(environment="production", auth_secret=SECRET)


def test_production_is_the_default_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ENVIRONMENT", raising=False)
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    with pytest.raises(InsecureAuthSettings):
        _app()


# --- iss, aud, lifetime ----------------------------------------------------------------------


def _token(key: Any = SECRET, algorithm: str = "HS256", headers: dict[str, Any] | None = None, **claims: Any) -> str:
    now = datetime.now(UTC)
    payload = {"role": "admin", "sub": "u1", "iat": now, "exp": now + timedelta(hours=1), **claims}
    return jwt.encode(payload, key, algorithm=algorithm, headers=headers)


def test_issuer_and_audience_are_checked_when_configured() -> None:
    checks: dict[str, Any] = {"issuer": "https://idp.example.com", "audience": "channel-platform"}
    good = _token(iss="https://idp.example.com", aud=["channel-platform", "other"])
    assert decode_token(good, SECRET, **checks).role is Role.ADMIN
    for bad in (
        _token(iss="https://evil.example.com", aud="channel-platform"),
        _token(iss="https://idp.example.com", aud="another-api"),
        _token(aud="channel-platform"),  # no iss at all
        _token(iss="https://idp.example.com"),  # no aud at all
    ):
        with pytest.raises(InvalidToken):
            decode_token(bad, SECRET, **checks)


def test_a_token_that_lives_longer_than_the_maximum_is_refused() -> None:
    day = timedelta(hours=24)
    now = datetime.now(UTC)
    assert decode_token(mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(hours=12)), SECRET, max_lifetime=day)
    with pytest.raises(InvalidToken, match="longer than"):
        decode_token(mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(days=365)), SECRET, max_lifetime=day)
    # Moving iat next to a far exp does not help: an iat in the future is refused.
    with pytest.raises(InvalidToken):
        decode_token(_token(iat=now + timedelta(days=29), exp=now + timedelta(days=30)), SECRET, max_lifetime=day)
    no_iat = jwt.encode({"role": "admin", "sub": "u1", "exp": now + timedelta(hours=1)}, SECRET)
    with pytest.raises(InvalidToken, match="iat"):
        decode_token(no_iat, SECRET, max_lifetime=day)


def test_services_refuse_a_year_long_token_by_default() -> None:
    app = _app(environment="production", auth_secret=SECRET)
    year = mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(days=365))
    hours = mint_token(SECRET, role="admin", sub="u1", ttl=timedelta(hours=8))

    async def call(token: str) -> int:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            return (await http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})).status_code

    assert asyncio.run(call(year)) == 401
    assert asyncio.run(call(hours)) == 200


# --- RS256 through a JWKS endpoint -------------------------------------------------------------


class Jwks:
    """A JWKS endpoint on 127.0.0.1 that counts how often it is fetched."""

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        self.document = json.dumps({"keys": [{**public, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()
        self.public_pem = self.key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        self.fetches = 0
        jwks = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                jwks.fetches += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(jwks.document)))
                self.end_headers()
                self.wfile.write(jwks.document)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/.well-known/jwks.json"

    def sign(self, kid: str = "k1", key: Any = None, **claims: Any) -> str:
        return _token(key or self.key, "RS256", headers={"kid": kid}, **claims)


def _hs256_by_hand(key: bytes, **claims: Any) -> str:
    """HS256 keyed with arbitrary bytes (PyJWT itself refuses to sign with a public key)."""
    now = int(datetime.now(UTC).timestamp())
    payload = {"role": "admin", "sub": "mallory", "iat": now, "exp": now + 3600, **claims}

    def b64(raw: bytes) -> bytes:
        return base64.urlsafe_b64encode(raw).rstrip(b"=")

    signing_input = b64(b'{"alg":"HS256","typ":"JWT","kid":"k1"}') + b"." + b64(json.dumps(payload).encode())
    return (signing_input + b"." + b64(hmac.new(key, signing_input, hashlib.sha256).digest())).decode()


@pytest.fixture
def idp() -> Iterator[Jwks]:
    jwks = Jwks()
    thread = threading.Thread(target=jwks.server.serve_forever, daemon=True)
    thread.start()
    yield jwks
    jwks.server.shutdown()
    jwks.server.server_close()


def test_rs256_tokens_are_verified_with_the_identity_providers_keys_and_the_keys_are_cached(idp: Jwks) -> None:
    verifier = TokenVerifier.from_settings(
        ServiceSettings(auth_jwks_url=idp.url, auth_issuer="https://idp.test", auth_audience="platform")
    )
    for _ in range(5):
        principal = verifier.decode(idp.sign(iss="https://idp.test", aud="platform", role="vendor", vendor_id="v1"))
        assert (principal.role, principal.vendor_id) == (Role.VENDOR, "v1")
    assert idp.fetches == 1, "the key set is fetched once and cached"

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = [
        idp.sign(key=other_key, iss="https://idp.test", aud="platform"),  # right kid, wrong key
        idp.sign(kid="unknown", iss="https://idp.test", aud="platform"),
        idp.sign(iss="https://idp.test", aud="someone-else"),
        # HS256 "signed" with the provider's public key: the classic algorithm confusion.
        _hs256_by_hand(idp.public_pem, iss="https://idp.test", aud="platform"),
        _token(SECRET, iss="https://idp.test", aud="platform"),  # the HS256 secret is not accepted with JWKS
    ]
    for token in forged:
        with pytest.raises(InvalidToken):
            verifier.decode(token)


def test_a_service_configured_with_a_jwks_url_accepts_the_providers_tokens(idp: Jwks) -> None:
    app = _app(environment="production", auth_jwks_url=idp.url)  # no AUTH_SECRET needed

    async def call(token: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            return await http.get("/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert asyncio.run(call(idp.sign(sub="rep-1", role="partner", partner_id="p1"))).json() == {"sub": "rep-1"}
    assert asyncio.run(call(mint_token(DEV_AUTH_SECRET, role="admin", sub="mallory"))).status_code == 401


# --- one verification per request --------------------------------------------------------------


def test_a_requests_token_is_verified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    app = _app(environment="development")
    calls = 0
    real = jwt.decode

    def counting(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(jwt, "decode", counting)
    token = mint_token(DEV_AUTH_SECRET, role="admin", sub="u1")

    async def call() -> list[int]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            headers = {"Authorization": f"Bearer {token}"}
            return [(await http.get("/v1/me", headers=headers)).status_code]

    assert asyncio.run(call()) == [200]
    assert calls == 1
