"""Idempotency-Key for every POST (the contract's rules).

Same key + same request within the TTL: the first response is replayed with
`Idempotent-Replayed: true`. Same key + a different request: 422. Same key while the
first is still running: 409. Keys are scoped to the verified caller, so one tenant's
key never meets another's. A 5xx is not remembered: nothing was changed, so the client
may retry with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import principal_or_none
from servicekit.problems import Problem, problem_response

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
_REPLAYED_HEADERS = ("content-type", "location", "etag")
# An in-flight claim older than this is taken to belong to a request that died.
STALE_IN_FLIGHT = timedelta(minutes=2)


def create_idempotency_table(op: Any) -> None:
    op.create_table(
        "idempotency_keys",
        sa.Column("scope", sa.Text, primary_key=True),
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("fingerprint", sa.Text, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("headers", sa.LargeBinary),
        sa.Column("body", sa.LargeBinary),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
    )
    op.create_index("idempotency_keys_created", "idempotency_keys", ["created_at"])


@dataclass(frozen=True)
class Started:
    pass


@dataclass(frozen=True)
class Replay:
    status_code: int
    headers: list[tuple[str, str]]
    body: bytes


@dataclass(frozen=True)
class InFlight:
    pass


@dataclass(frozen=True)
class Mismatch:
    pass


Outcome = Started | Replay | InFlight | Mismatch


def fingerprint(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode() if isinstance(p, str) else p)
        h.update(b"\x00")
    return h.hexdigest()


def outcome_of_stored(
    fp: str, stored_fp: str, status_code: int | None, headers: bytes | None, body: bytes | None, stale: bool
) -> Outcome:
    """What a request finds when its key is stored already; Started: a stale claim, to be taken over."""
    if stored_fp != fp:
        return Mismatch()
    if status_code is None:
        return Started() if stale else InFlight()
    return Replay(status_code, [(str(h[0]), str(h[1])) for h in orjson.loads(headers or b"[]")], bytes(body or b""))


class IdempotencyStore:
    def __init__(self, engine: AsyncEngine, ttl: timedelta) -> None:
        self._engine = engine
        self._ttl = ttl

    @property
    def ttl(self) -> timedelta:
        return self._ttl

    async def begin(self, scope: str, key: str, fp: str) -> Outcome:
        async with self._engine.begin() as conn:
            params = {
                "s": scope,
                "k": key,
                "fp": fp,
                "ttl": self._ttl.total_seconds(),
                "stale": STALE_IN_FLIGHT.total_seconds(),
            }
            await conn.execute(
                text(
                    "DELETE FROM idempotency_keys WHERE scope=:s AND key=:k "
                    "AND created_at < now() - make_interval(secs => :ttl)"
                ),
                params,
            )
            inserted = await conn.execute(
                text(
                    "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES (:s, :k, :fp) "
                    "ON CONFLICT DO NOTHING RETURNING 1"
                ),
                params,
            )
            if inserted.first() is not None:
                return Started()
            row = (
                await conn.execute(
                    text(
                        "SELECT fingerprint, status_code, headers, body, "
                        "created_at < now() - make_interval(secs => :stale) AS stale "
                        "FROM idempotency_keys WHERE scope=:s AND key=:k FOR UPDATE"
                    ),
                    params,
                )
            ).first()
            if row is None:  # expired and purged between our statements: treat as new
                return Started()
            outcome = outcome_of_stored(fp, row.fingerprint, row.status_code, row.headers, row.body, row.stale)
            if isinstance(outcome, Started):
                await conn.execute(
                    text("UPDATE idempotency_keys SET created_at = now() WHERE scope=:s AND key=:k"), params
                )
            return outcome

    async def complete(
        self, scope: str, key: str, status_code: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE idempotency_keys SET status_code=:sc, headers=:h, body=:b, completed_at=now() "
                    "WHERE scope=:s AND key=:k"
                ),
                {"s": scope, "k": key, "sc": status_code, "h": orjson.dumps(headers), "b": body},
            )

    async def release(self, scope: str, key: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                text("DELETE FROM idempotency_keys WHERE scope=:s AND key=:k AND status_code IS NULL"),
                {"s": scope, "k": key},
            )

    async def purge_expired(self) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                text("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :ttl)"),
                {"ttl": self._ttl.total_seconds()},
            )
        return int(result.rowcount or 0)


# --- many keys at once, inside the caller's asyncpg transaction (an aggregator's batch) ---

_DELETE_EXPIRED = (
    "DELETE FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[])"
    " AND created_at < now() - make_interval(secs => $3)"
)
# Sorted, so two batches sharing keys wait for each other instead of deadlocking.
_CLAIM = (
    "INSERT INTO idempotency_keys (scope, key, fingerprint)"
    " SELECT $1, k, f FROM unnest($2::text[], $3::text[]) AS u(k, f) ORDER BY k"
    " ON CONFLICT DO NOTHING RETURNING key"
)
_EXISTING = (
    "SELECT key, fingerprint, status_code, headers, body, created_at < now() - make_interval(secs => $3) AS stale"
    " FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[]) ORDER BY key FOR UPDATE"
)
_TAKE_OVER = "UPDATE idempotency_keys SET created_at = now() WHERE scope = $1 AND key = ANY($2::text[])"
_COMPLETE = (
    "INSERT INTO idempotency_keys AS i (scope, key, fingerprint, status_code, headers, body, completed_at)"
    " SELECT $1, k, f, s, '[]', b, now() FROM unnest($2::text[], $3::text[], $4::int[], $5::bytea[]) AS u(k, f, s, b)"
    " ON CONFLICT (scope, key) DO UPDATE SET status_code = excluded.status_code, headers = excluded.headers,"
    " body = excluded.body, completed_at = excluded.completed_at"
)


async def claim_keys(
    con: asyncpg.Connection, scope: str, entries: Sequence[tuple[str, str]], ttl: timedelta
) -> list[Outcome]:
    """The outcome of each (key, fingerprint), in order, as `IdempotencyStore.begin` would give it, in two
    or three statements. The claims are part of the caller's transaction: they commit with its work or
    vanish with it. A key repeated within `entries` is in flight from its second occurrence on."""
    if not entries:
        return []
    keys = [k for k, _ in entries]
    await con.execute(_DELETE_EXPIRED, scope, keys, ttl.total_seconds())
    claimed = {r["key"] for r in await con.fetch(_CLAIM, scope, keys, [fp for _, fp in entries])}
    others = sorted({k for k in keys if k not in claimed})
    existing = {r["key"]: r for r in await con.fetch(_EXISTING, scope, others, STALE_IN_FLIGHT.total_seconds())}
    outcomes: list[Outcome] = []
    first: set[str] = set()
    stale: list[str] = []
    for key, fp in entries:
        seen_before, row = key in first, existing.get(key)
        first.add(key)
        if key in claimed or row is None:
            outcomes.append(InFlight() if seen_before else Started())
        else:
            outcome = outcome_of_stored(
                fp,
                row["fingerprint"],
                row["status_code"],
                row["headers"],
                row["body"],
                row["stale"] and not seen_before,
            )
            if isinstance(outcome, Started):
                stale.append(key)
            outcomes.append(outcome)
    if stale:
        await con.execute(_TAKE_OVER, scope, stale)
    return outcomes


async def complete_keys(con: asyncpg.Connection, scope: str, results: Sequence[tuple[str, str, int, bytes]]) -> None:
    """Remember (key, fingerprint, status, body) of each answered item, in the caller's transaction."""
    if results:
        await con.execute(
            _COMPLETE, scope, [r[0] for r in results], [r[1] for r in results], [r[2] for r in results],
            [r[3] for r in results],
        )  # fmt: skip


def valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and key.isascii() and key.isprintable()


class IdempotencyMiddleware:
    """Pure ASGI middleware applying the store to every POST carrying the header."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        key = request.headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not valid_key(key):
            response = problem_response(
                Problem(400, "Idempotency-Key must be 1 to 255 printable ASCII characters."), request
            )
            await response(scope, receive, send)
            return
        principal = principal_or_none(request)
        if principal is None:  # the route answers 401; nothing to remember
            await self.app(scope, receive, send)
            return
        body = await request.body()
        store: IdempotencyStore = scope["app"].state.idempotency
        scope_key = principal.scope_key
        fp = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        outcome = await store.begin(scope_key, key, fp)
        if isinstance(outcome, Mismatch):
            problem = Problem(422, "This Idempotency-Key was already used with a different request.")
            await problem_response(problem, request)(scope, receive, send)
            return
        if isinstance(outcome, InFlight):
            problem = Problem(409, "A request with this Idempotency-Key is still being processed; retry later.")
            await problem_response(problem, request)(scope, receive, send)
            return
        if isinstance(outcome, Replay):
            await _send_replay(outcome, send)
            return
        await self._run_and_remember(scope, body, send, store, scope_key, key)

    async def _run_and_remember(
        self, scope: Scope, body: bytes, send: Send, store: IdempotencyStore, scope_key: str, key: str
    ) -> None:
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        completed = False
        try:
            await self.app(scope, replay_body, capture)
            assert start is not None
            status = int(start["status"])
            raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
            payload = b"".join(chunks)
            if status < 500:
                kept = [(k, v) for k, v in raw_headers if k.lower() in _REPLAYED_HEADERS]
                await store.complete(scope_key, key, status, kept, payload)
                completed = True
            await send(start)
            await send({"type": "http.response.body", "body": payload, "more_body": False})
        finally:
            if not completed:
                await store.release(scope_key, key)


async def _send_replay(replay: Replay, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in replay.headers]
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    headers.append((b"content-length", str(len(replay.body)).encode()))
    await send({"type": "http.response.start", "status": replay.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": replay.body, "more_body": False})
