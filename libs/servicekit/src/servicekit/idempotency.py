"""Idempotency-Key for every POST (the contract's rules), atomic with the request's effect.

The key row is inserted in the SAME transaction as the request's writes, and the response
(status, body, the headers that matter) is stored in that transaction before COMMIT; the
client hears the answer only after the commit. So:

- a request that died before its commit left nothing, not even its key: the retry runs at once;
- a committed request is replayed with its original status and body (`Idempotent-Replayed: true`);
- a second request with the same key while the first is running waits on the first's uncommitted
  key row (PostgreSQL's unique index does the waiting), then replays; only if that wait exceeds
  `LOCK_TIMEOUT` does it answer 409;
- same key + a different request: 422. A 4xx is remembered (nothing was changed: the request's
  transaction is rolled back and the answer stored on its own); a 5xx is not (retry with the key).

Keys are scoped to the verified caller, so one tenant's key never meets another's.
Routes join the request's transaction through `servicekit.db.DbSession` (SQLAlchemy) or
`request_transaction().driver()` (raw asyncpg).
"""

from __future__ import annotations

import asyncio
import contextvars
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import asyncpg
import orjson
import sqlalchemy as sa
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.auth import principal_or_none
from servicekit.problems import Problem, problem_response

log = structlog.get_logger("servicekit.idempotency")

HEADER = "idempotency-key"
REPLAYED_HEADER = "Idempotent-Replayed"
_REPLAYED_HEADERS = ("content-type", "location", "etag")
# How long a request waits for another request holding the same key before answering 409.
LOCK_TIMEOUT = timedelta(seconds=5)
# Test-only fault hook: "before-commit:<seconds>:<key prefix>" or "after-commit:...". A keyed request
# whose key starts with the prefix sleeps there, so a test can kill the process between the two points.
PAUSE_ENV = "IDEMPOTENCY_TEST_PAUSE"


@dataclass(frozen=True)
class _Pause:
    where: str
    seconds: float
    prefix: str

    @classmethod
    def from_env(cls) -> _Pause | None:
        spec = os.environ.get(PAUSE_ENV, "")
        if not spec:
            return None
        where, seconds, prefix = spec.split(":", 2)
        assert where in ("before-commit", "after-commit"), spec
        return cls(where, float(seconds), prefix)

    async def at(self, where: str, key: str) -> None:
        if where == self.where and key.startswith(self.prefix):
            log.warning("test pause", where=where, key=key, seconds=self.seconds)
            await asyncio.sleep(self.seconds)


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
    fp: str, stored_fp: str, status_code: int | None, headers: bytes | None, body: bytes | None, expired: bool
) -> Outcome:
    """What a request finds when its key is stored (and committed) already.

    Started: the row is ours to take over, because it expired or because it holds no response (a
    claim left by an older release, which committed claims separately; today a key row and its
    response always commit together)."""
    if expired or status_code is None:
        return Started()
    if stored_fp != fp:
        return Mismatch()
    return Replay(status_code, [(str(h[0]), str(h[1])) for h in orjson.loads(headers or b"[]")], bytes(body or b""))


# The key row first, in the request's transaction. `set_config(.., true)` is SET LOCAL: the wait on a
# concurrent uncommitted insert of the same key is bounded (the SELECT's WHERE runs before the insert
# looks for a conflict), and RETURNING (after the insert) puts lock_timeout back for the route's work.
_CLAIM = (
    "INSERT INTO idempotency_keys (scope, key, fingerprint)"
    " SELECT $1::text, $2::text, $3::text WHERE set_config('lock_timeout', $4::text, true) IS NOT NULL"
    " ON CONFLICT DO NOTHING RETURNING set_config('lock_timeout', NULL, true)"
)
_STORED = (
    "SELECT fingerprint, status_code, headers, body, created_at < now() - make_interval(secs => $3) AS expired"
    " FROM idempotency_keys WHERE scope = $1 AND key = $2 FOR UPDATE"
)
_TAKE_OVER_ONE = (
    "UPDATE idempotency_keys SET fingerprint = $3, status_code = NULL, headers = NULL, body = NULL,"
    " created_at = now(), completed_at = NULL WHERE scope = $1 AND key = $2"
    " RETURNING set_config('lock_timeout', NULL, true)"
)
_REMEMBER = (
    "UPDATE idempotency_keys SET status_code = $3, headers = $4, body = $5, completed_at = now()"
    " WHERE scope = $1 AND key = $2"
)
# A 4xx, after its transaction was rolled back: stored on its own (nothing else was written).
_REMEMBER_ALONE = (
    "INSERT INTO idempotency_keys AS i (scope, key, fingerprint, status_code, headers, body, completed_at)"
    " VALUES ($1, $2, $3, $4, $5, $6, now()) ON CONFLICT (scope, key) DO NOTHING"
)


def _pg_interval(value: timedelta) -> str:
    return f"{int(value.total_seconds() * 1000)}ms"


class IdempotencyStore:
    def __init__(self, engine: AsyncEngine, ttl: timedelta, lock_timeout: timedelta = LOCK_TIMEOUT) -> None:
        self._engine = engine
        self._ttl = ttl
        self._lock_timeout = lock_timeout

    @property
    def ttl(self) -> timedelta:
        return self._ttl

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    async def claim(self, conn: AsyncConnection, scope: str, key: str, fp: str) -> Outcome:
        """Claim the key as the first statement of `conn`'s new transaction (which this starts).

        InFlight: another request holding the key did not finish within the lock timeout; the
        transaction is then aborted and must be rolled back."""
        try:
            # Through SQLAlchemy, so that SQLAlchemy's connection knows its transaction has begun.
            inserted = (await conn.exec_driver_sql(_CLAIM, (scope, key, fp, _pg_interval(self._lock_timeout)))).first()
        except sa.exc.DBAPIError as exc:
            if _lock_timed_out(exc):
                return InFlight()
            raise
        if inserted is not None:
            return Started()
        con = await driver_connection(conn)
        try:
            row = await con.fetchrow(_STORED, scope, key, self._ttl.total_seconds())
        except asyncpg.LockNotAvailableError:
            return InFlight()
        if row is None:  # purged between the two statements: ours again (the next request will see it)
            await con.execute(
                "INSERT INTO idempotency_keys (scope, key, fingerprint) VALUES ($1, $2, $3)", scope, key, fp
            )
            await con.execute("SELECT set_config('lock_timeout', NULL, true)")
            return Started()
        outcome = outcome_of_stored(fp, row["fingerprint"], row["status_code"], row["headers"], row["body"],
                                    row["expired"])  # fmt: skip
        if isinstance(outcome, Started):
            await con.execute(_TAKE_OVER_ONE, scope, key, fp)
        return outcome

    async def remember(
        self, conn: AsyncConnection, scope: str, key: str, status_code: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        """Store the response in the claiming transaction (the caller commits)."""
        con = await driver_connection(conn)
        await con.execute(_REMEMBER, scope, key, status_code, orjson.dumps(headers), body)

    async def remember_alone(
        self, scope: str, key: str, fp: str, status_code: int, headers: list[tuple[str, str]], body: bytes
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.exec_driver_sql(_REMEMBER_ALONE, (scope, key, fp, status_code, orjson.dumps(headers), body))

    async def purge_expired(self) -> int:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                text("DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => :ttl)"),
                {"ttl": self._ttl.total_seconds()},
            )
        return int(result.rowcount or 0)


def _lock_timed_out(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    cause = getattr(orig, "__cause__", None)
    return any(getattr(e, "sqlstate", None) == "55P03" for e in (exc, orig, cause) if e is not None)


async def driver_connection(conn: AsyncConnection) -> asyncpg.Connection:
    """The asyncpg connection under a SQLAlchemy one: same session, same transaction."""
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert isinstance(driver, asyncpg.Connection)
    return driver


@dataclass(frozen=True)
class RequestTransaction:
    """The transaction of a POST carrying an Idempotency-Key: the route's writes join it."""

    connection: AsyncConnection

    async def driver(self) -> asyncpg.Connection:
        return await driver_connection(self.connection)


_request_transaction: contextvars.ContextVar[RequestTransaction | None] = contextvars.ContextVar(
    "idempotency_request_transaction", default=None
)


def request_transaction() -> RequestTransaction | None:
    """The running request's key transaction, if it has one; routes write in it instead of their own."""
    return _request_transaction.get()


# --- many keys at once, inside the caller's asyncpg transaction (an aggregator's batch items) ---

# Sorted, so two batches sharing keys wait for each other instead of deadlocking.
_CLAIM_MANY = (
    "INSERT INTO idempotency_keys (scope, key, fingerprint)"
    " SELECT $1, k, f FROM unnest($2::text[], $3::text[]) AS u(k, f) ORDER BY k"
    " ON CONFLICT DO NOTHING RETURNING key"
)
_EXISTING = (
    "SELECT key, fingerprint, status_code, headers, body, created_at < now() - make_interval(secs => $3) AS expired"
    " FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[]) ORDER BY key FOR UPDATE"
)
_TAKE_OVER = (
    "UPDATE idempotency_keys AS i SET fingerprint = u.f, status_code = NULL, headers = NULL, body = NULL,"
    " created_at = now(), completed_at = NULL FROM unnest($2::text[], $3::text[]) AS u(k, f)"
    " WHERE i.scope = $1 AND i.key = u.k"
)
_COMPLETE = (
    "UPDATE idempotency_keys AS i SET status_code = u.s, headers = '[]', body = u.b, completed_at = now()"
    " FROM unnest($2::text[], $3::int[], $4::bytea[]) AS u(k, s, b) WHERE i.scope = $1 AND i.key = u.k"
)
_RELEASE = "DELETE FROM idempotency_keys WHERE scope = $1 AND key = ANY($2::text[])"


async def claim_keys(
    con: asyncpg.Connection, scope: str, entries: Sequence[tuple[str, str]], ttl: timedelta
) -> list[Outcome]:
    """The outcome of each (key, fingerprint), in order, in two or three statements.

    The claims are part of the caller's transaction: they commit with its work (complete them with
    `complete_keys` before the commit) or vanish with it. A key another transaction holds is waited
    for (its insert is uncommitted), then replayed. A key repeated within `entries` is in flight
    from its second occurrence on."""
    if not entries:
        return []
    keys = [k for k, _ in entries]
    claimed = {r["key"] for r in await con.fetch(_CLAIM_MANY, scope, keys, [fp for _, fp in entries])}
    others = sorted({k for k in keys if k not in claimed})
    existing = {r["key"]: r for r in await con.fetch(_EXISTING, scope, others, ttl.total_seconds())} if others else {}
    outcomes: list[Outcome] = []
    first: set[str] = set()
    taken: dict[str, str] = {}
    for key, fp in entries:
        seen_before, row = key in first, existing.get(key)
        first.add(key)
        if seen_before:
            outcomes.append(InFlight())
        elif key in claimed or row is None:
            outcomes.append(Started())
        else:
            outcome = outcome_of_stored(
                fp, row["fingerprint"], row["status_code"], row["headers"], row["body"], row["expired"]
            )
            if isinstance(outcome, Started):
                taken[key] = fp
            outcomes.append(outcome)
    missing = [(k, fp) for (k, fp), o in zip(entries, outcomes, strict=True)
               if isinstance(o, Started) and k not in claimed and k not in existing]  # fmt: skip
    if missing:  # purged between the statements: claim them again
        await con.execute(_CLAIM_MANY, scope, [k for k, _ in missing], [fp for _, fp in missing])
    if taken:
        await con.execute(_TAKE_OVER, scope, list(taken), list(taken.values()))
    return outcomes


async def complete_keys(con: asyncpg.Connection, scope: str, results: Sequence[tuple[str, str, int, bytes]]) -> None:
    """Remember (key, fingerprint, status, body) of each answered item, in the claiming transaction."""
    if results:
        await con.execute(_COMPLETE, scope, [r[0] for r in results], [r[2] for r in results], [r[3] for r in results])


async def release_keys(con: asyncpg.Connection, scope: str, keys: Sequence[str]) -> None:
    """Drop claims whose items got no answer to remember (a 5xx), in the claiming transaction."""
    if keys:
        await con.execute(_RELEASE, scope, list(keys))


def valid_key(key: str) -> bool:
    return 1 <= len(key) <= 255 and key.isascii() and key.isprintable()


class IdempotencyMiddleware:
    """Pure ASGI middleware: every POST carrying the header runs in one transaction with its key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.pause = _Pause.from_env()

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
        fp = fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        await _Keyed(self.app, store, principal.scope_key, key, fp, body, self.pause).run(scope, request, send)


class _Keyed:
    """One keyed request: claim, run the route in the same transaction, remember, commit, answer."""

    def __init__(
        self,
        app: ASGIApp,
        store: IdempotencyStore,
        scope_key: str,
        key: str,
        fp: str,
        body: bytes,
        pause: _Pause | None,
    ) -> None:
        self.app, self.store, self.scope_key, self.key, self.fp, self.body = app, store, scope_key, key, fp, body
        self.pause = pause

    async def run(self, scope: Scope, request: Request, send: Send) -> None:
        async with self.store.engine.connect() as conn:
            transaction = await conn.begin()
            try:
                outcome = await self.store.claim(conn, self.scope_key, self.key, self.fp)
                if not isinstance(outcome, Started):
                    await transaction.rollback()
                    await _answer_outcome(outcome, scope, request, send)
                    return
                status, headers, payload, start = await self._run_route(scope, conn)
                if status < 400:
                    kept = [(k, v) for k, v in headers if k.lower() in _REPLAYED_HEADERS]
                    await self.store.remember(conn, self.scope_key, self.key, status, kept, payload)
                    if self.pause is not None:
                        await self.pause.at("before-commit", self.key)
                    await transaction.commit()
            finally:
                if transaction.is_active:
                    await transaction.rollback()
        if 400 <= status < 500:
            # Nothing of a refused request stays (the route's writes were rolled back), but its answer
            # does: the same request would be refused the same way.
            kept = [(k, v) for k, v in headers if k.lower() in _REPLAYED_HEADERS]
            await self.store.remember_alone(self.scope_key, self.key, self.fp, status, kept, payload)
        if self.pause is not None:
            await self.pause.at("after-commit", self.key)
        # Only now, after the commit: a client that got this answer can count on its effect.
        await send(start)
        await send({"type": "http.response.body", "body": payload, "more_body": False})

    async def _run_route(
        self, scope: Scope, conn: AsyncConnection
    ) -> tuple[int, list[tuple[str, str]], bytes, Message]:
        delivered = False

        async def replay_body() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": self.body, "more_body": False}
            return {"type": "http.disconnect"}

        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        token = _request_transaction.set(RequestTransaction(conn))
        try:
            await self.app(scope, replay_body, capture)
        finally:
            _request_transaction.reset(token)
        assert start is not None
        raw_headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in start.get("headers", [])]
        return int(start["status"]), raw_headers, b"".join(chunks), start


async def _answer_outcome(outcome: Outcome, scope: Scope, request: Request, send: Send) -> None:
    if isinstance(outcome, Mismatch):
        problem = Problem(422, "This Idempotency-Key was already used with a different request.")
        await problem_response(problem, request)(scope, request.receive, send)
    elif isinstance(outcome, InFlight):
        problem = Problem(409, "A request with this Idempotency-Key is still being processed; retry later.")
        await problem_response(problem, request)(scope, request.receive, send)
    elif isinstance(outcome, Replay):
        await _send_replay(outcome, send)


async def _send_replay(replay: Replay, send: Send) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in replay.headers]
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    headers.append((b"content-length", str(len(replay.body)).encode()))
    await send({"type": "http.response.start", "status": replay.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": replay.body, "more_body": False})
