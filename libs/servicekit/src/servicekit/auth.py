"""JWT bearer authentication (HS256 with AUTH_SECRET) as a FastAPI dependency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import jwt
from fastapi import Depends, Request

from servicekit.principal import Principal, Role
from servicekit.problems import Problem

ALGORITHM = "HS256"


class InvalidToken(Exception):
    pass


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


def decode_token(token: str, secret: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], options={"require": ["exp", "sub"]}, leeway=5)
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    return principal_from_claims(claims)


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


def principal_or_none(request: Request) -> Principal | None:
    """The verified caller, or None; never raises (used by middleware)."""
    token = bearer_token(request)
    if token is None:
        return None
    try:
        return decode_token(token, request.app.state.settings.auth_secret.get_secret_value())
    except InvalidToken:
        return None


async def require_principal(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    token = bearer_token(request)
    if token is None:
        raise _unauthorized("A bearer token is required.")
    try:
        principal = decode_token(token, request.app.state.settings.auth_secret.get_secret_value())
    except InvalidToken as exc:
        raise _unauthorized(f"The token is not valid: {exc}.") from None
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]


def require_roles(*roles: Role) -> Any:
    async def dependency(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise Problem(403, f"The role {principal.role.value!r} may not do this.")
        return principal

    return Depends(dependency)


def require_vendor_access(principal: Principal, vendor_id: str, what: str) -> None:
    """Vendor-level resources: another vendor's answer 404 (never reveal it), other roles 403."""
    if principal.acts_for_vendor(vendor_id):
        return
    if principal.role is Role.VENDOR:
        raise Problem(404, "No such vendor resource.")
    raise Problem(403, f"Only the vendor or an admin may {what}.")
