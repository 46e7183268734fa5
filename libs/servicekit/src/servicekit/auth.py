"""JWT bearer authentication as a FastAPI dependency.

Two ways to verify a token (``TokenVerifier``): HS256 with AUTH_SECRET (local stacks,
`make token`), or RS256 with the identity provider's keys from AUTH_JWKS_URL (fetched by
PyJWT's PyJWKClient and cached). Either way: ``exp`` is required, ``iss`` and ``aud`` are
checked when AUTH_ISSUER / AUTH_AUDIENCE are set, and a token may not live longer than
AUTH_MAX_TOKEN_LIFETIME (measured from its ``iat``, which is then required, and from now).

A request's token is verified once: the first middleware that asks (the rate limiter)
stores the outcome in ``request.state``; the idempotency middleware and the routes'
dependencies read it from there.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request

from servicekit.access import require_vendor_access as require_vendor_access  # where routes found it
from servicekit.principal import Principal, Role
from servicekit.problems import Problem

ALGORITHM = "HS256"
JWKS_ALGORITHMS = ("RS256",)
LEEWAY_SECONDS = 5


class InvalidToken(Exception):
    pass


class InsecureAuthSettings(RuntimeError):
    """The service would accept tokens anyone can mint: it refuses to start."""


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(str(claims.get("role")))
    except ValueError as exc:
        raise InvalidToken("unknown role") from exc
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise InvalidToken("sub is required")
    partner_id = claims.get("partner_id")
    vendor_id = claims.get("vendor_id")
    partner_ids = claims.get("partner_ids") or []
    if role is Role.PARTNER and not (isinstance(partner_id, str) and partner_id):
        raise InvalidToken("a partner token needs partner_id")
    if role is Role.VENDOR and not (isinstance(vendor_id, str) and vendor_id):
        raise InvalidToken("a vendor token needs vendor_id")
    if role is Role.AGGREGATOR and not (
        isinstance(partner_ids, list) and partner_ids and all(isinstance(p, str) and p for p in partner_ids)
    ):
        raise InvalidToken("an aggregator token needs partner_ids")
    # Claims that do not belong to the role are ignored, never trusted.
    return Principal(
        role=role,
        sub=sub,
        partner_id=partner_id if role is Role.PARTNER else None,
        partner_ids=frozenset(partner_ids) if role is Role.AGGREGATOR else frozenset(),
        vendor_id=vendor_id if role is Role.VENDOR else None,
    )


def _check_lifetime(claims: dict[str, Any], max_lifetime: timedelta) -> None:
    exp = claims["exp"]
    iat = claims["iat"]
    if not isinstance(exp, int | float) or not isinstance(iat, int | float):
        raise InvalidToken("exp and iat must be numbers")
    limit = max_lifetime.total_seconds() + LEEWAY_SECONDS
    now = datetime.now(UTC).timestamp()
    if exp - iat > limit or exp - now > limit:
        raise InvalidToken(f"the token lives longer than the allowed {max_lifetime}")


def decode_token(
    token: str,
    secret: str | Any,
    *,
    algorithms: tuple[str, ...] = (ALGORITHM,),
    issuer: str | None = None,
    audience: str | None = None,
    max_lifetime: timedelta | None = None,
) -> Principal:
    """Verify ``token`` with ``secret`` (an HS256 secret, or a public key) and read its principal."""
    required = ["exp", "sub"]
    if max_lifetime is not None:
        required.append("iat")
    if issuer is not None:
        required.append("iss")
    if audience is not None:
        required.append("aud")
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=list(algorithms),
            issuer=issuer,
            audience=audience,
            options={"require": required, "verify_aud": audience is not None},
            leeway=LEEWAY_SECONDS,
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    if max_lifetime is not None:
        _check_lifetime(claims, max_lifetime)
    return principal_from_claims(claims)


@dataclass(frozen=True)
class TokenVerifier:
    """How this service verifies tokens; built once from its settings (see ``verifier_for``)."""

    secret: str | None = None
    jwks: jwt.PyJWKClient | None = None
    issuer: str | None = None
    audience: str | None = None
    max_lifetime: timedelta | None = None

    @classmethod
    def from_settings(cls, settings: Any) -> TokenVerifier:
        jwks_url: str | None = getattr(settings, "auth_jwks_url", None)
        return cls(
            secret=None if jwks_url else settings.auth_secret.get_secret_value(),
            # Keys are cached (the whole set for 5 minutes, and by kid); an unknown kid refetches at most
            # once per PyJWT's cooldown, so forged kids cannot hammer the identity provider.
            jwks=jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5) if jwks_url else None,
            issuer=getattr(settings, "auth_issuer", None) or None,
            audience=getattr(settings, "auth_audience", None) or None,
            max_lifetime=getattr(settings, "auth_max_token_lifetime", None),
        )

    @property
    def fetches_keys(self) -> bool:
        return self.jwks is not None

    def decode(self, token: str) -> Principal:
        checks: dict[str, Any] = {"issuer": self.issuer, "audience": self.audience, "max_lifetime": self.max_lifetime}
        if self.jwks is None:
            assert self.secret is not None
            return decode_token(token, self.secret, **checks)
        try:
            key = self.jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWTError as exc:  # unknown kid, unreadable token, key set unreachable
            raise InvalidToken(str(exc)) from exc
        return decode_token(token, key, algorithms=JWKS_ALGORITHMS, **checks)


MIN_SECRET_BYTES = 32


def check_auth_settings(settings: Any) -> None:
    """Refuse a configuration whose tokens anyone could mint, outside development."""
    from servicekit.settings import DEV_AUTH_SECRET

    if getattr(settings, "auth_jwks_url", None) or settings.is_development:
        return
    secret = settings.auth_secret.get_secret_value()
    if secret == DEV_AUTH_SECRET:
        raise InsecureAuthSettings(
            "AUTH_SECRET is the development secret (published in the repository): set a random one of at "
            "least 32 bytes, or AUTH_JWKS_URL, or ENVIRONMENT=development on a developer's machine"
        )
    if len(secret.encode()) < MIN_SECRET_BYTES:
        raise InsecureAuthSettings(f"AUTH_SECRET is shorter than {MIN_SECRET_BYTES} bytes")


def verifier_for(request: Request) -> TokenVerifier:
    state = request.app.state
    verifier: TokenVerifier | None = getattr(state, "token_verifier", None)
    if verifier is None:
        verifier = TokenVerifier.from_settings(state.settings)
        state.token_verifier = verifier
    return verifier


@dataclass(frozen=True)
class _Verified:
    """One request's verification outcome, kept in request.state."""

    principal: Principal | None
    error: str | None  # why the token was refused; None when there was no token or it was valid


def mint_token(secret: str, *, role: str, sub: str, ttl: timedelta = timedelta(hours=12), **claims: Any) -> str:
    now = datetime.now(UTC)
    payload = {"role": role, "sub": sub, "iat": now, "exp": now + ttl, **claims}
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="channel-platform"'})


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _remember(request: Request, verified: _Verified) -> _Verified:
    request.state.verified_token = verified
    if verified.principal is not None:
        request.state.principal = verified.principal
    return verified


def _verify(request: Request, verifier: TokenVerifier) -> _Verified:
    token = bearer_token(request)
    if token is None:
        return _Verified(None, None)
    try:
        return _Verified(verifier.decode(token), None)
    except InvalidToken as exc:
        return _Verified(None, str(exc))


def _cached(request: Request) -> _Verified | None:
    cached = getattr(request.state, "verified_token", None)
    return cached if isinstance(cached, _Verified) else None


async def authenticate(request: Request) -> _Verified:
    """Verify the request's token once (off the event loop when keys may have to be fetched)."""
    cached = _cached(request)
    if cached is not None:
        return cached
    verifier = verifier_for(request)
    if verifier.fetches_keys:
        verified = await asyncio.to_thread(_verify, request, verifier)
    else:
        verified = _verify(request, verifier)
    return _remember(request, verified)


def principal_or_none(request: Request) -> Principal | None:
    """The verified caller, or None; never raises (used by middleware)."""
    cached = _cached(request)
    if cached is None:
        cached = _remember(request, _verify(request, verifier_for(request)))
    return cached.principal


async def require_principal(request: Request) -> Principal:
    verified = await authenticate(request)
    if verified.principal is not None:
        return verified.principal
    if verified.error is None:
        raise _unauthorized("A bearer token is required.")
    raise _unauthorized(f"The token is not valid: {verified.error}.")


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
