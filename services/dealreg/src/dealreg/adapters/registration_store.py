"""The registration transaction on a raw asyncpg connection: dealreg's hot path.

A registration is three statements. Through SQLAlchemy each one paid for statement
construction, coercion, cache-key generation and result processing, which py-spy showed
costing more CPU than PostgreSQL's own work (about a third of dealreg's time under load),
plus three more round trips for the pool's pre-ping. Here the SQL is fixed text that
asyncpg prepares once per connection and re-runs. Everything else keeps SQLAlchemy.
"""

from __future__ import annotations

import contextlib
import functools
import zlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from typing import Any, TypeVar

import asyncpg
import orjson
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from dealreg.adapters.mapping import new_deal_values, policy_from_row
from dealreg.adapters.tables import DealHistoryRow, DealRow, VendorPolicyRow
from dealreg.domain.conflicts import ExistingRegistration
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import Deal
from dealreg.domain.enrolment import PartnerTerms, Terms
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.ports import KeyClaim
from events.batching import OUTBOX_COLUMNS, outbox_insert_sql, unnest_rows_sql
from events.tables import OUTBOX_CHANNEL
from events.vocabulary import OPEN_STATUSES, DealStatus
from servicekit.idempotency import InFlight, Mismatch, Outcome, Replay, claim_keys, complete_keys, request_transaction

T = TypeVar("T")

_POLICIES: sa.Table = VendorPolicyRow.__table__  # type: ignore[attr-defined]
_DEALS: sa.Table = DealRow.__table__  # type: ignore[attr-defined]
_HISTORY_JSON = {c.name for c in DealHistoryRow.__table__.columns if isinstance(c.type, JSONB)}  # type: ignore[attr-defined]
_DEAL_JSON = {c.name for c in _DEALS.columns if isinstance(c.type, JSONB)}
assert {"data"} == _HISTORY_JSON

_TERM_COLUMNS = ("tier", "territory", "region", "channel_manager")
_POLICY_COLUMNS = [c.name for c in _POLICIES.columns]
# The locks come first, in ascending order (so two keys never deadlock); the scalar subquery runs
# once, before the row is returned. No partner row: no locks, and the registration is refused anyway.
# The partner's active enrolment with the deal's vendor comes in the same row (its primary key).
_LOCK_WITH_LOOKUPS = (
    "SELECT p.id AS p_id, e.vendor_id AS e_vendor_id, "  # noqa: S608  (built from the table metadata, not input)
    + ", ".join(f"e.{c} AS e_{c}" for c in _TERM_COLUMNS)
    + ", "
    + ", ".join(f"v.{c} AS v_{c}" for c in _POLICY_COLUMNS)
    + ", (SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) o) AS locked"
    + " FROM partners p"
    + " LEFT JOIN partner_enrollments e ON e.partner_id = p.id AND e.vendor_id = $2 AND e.active"
    + " LEFT JOIN vendor_policies v ON v.vendor_id = $2 WHERE p.id = $3"
)
_LOCK_ONLY = "SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest($1::bigint[]) AS k ORDER BY 1) o"

# The status list is literal so that the partial indexes' predicate is provable in a generic plan.
_ACTIVE_SQL = ", ".join(f"'{s}'" for s in sorted(str(s) for s in OPEN_STATUSES))
_CANDIDATES_BY = {
    "domain": "customer_domain_key = $2",
    "name": "customer_name_key = $2",
    "both": "(customer_domain_key = $2 OR customer_name_key = $3)",
}
_CANDIDATES = {
    how: "SELECT id, vendor_id, partner_id, status, customer_domain_key, customer_name_key, skus, created_at"  # noqa: S608
    f" FROM deals WHERE vendor_id = $1 AND status IN ({_ACTIVE_SQL}) AND {match}"
    for how, match in _CANDIDATES_BY.items()
}

_CANDIDATES_MANY = (
    "SELECT id, vendor_id, partner_id, status, customer_domain_key, customer_name_key, skus, created_at"  # noqa: S608
    f" FROM deals WHERE vendor_id = ANY($1::text[]) AND status IN ({_ACTIVE_SQL})"
    " AND (customer_domain_key = ANY($2::text[]) OR customer_name_key = ANY($3::text[]))"
)
# Every listed partner, with its active enrolments among the listed vendors (none: a NULL vendor).
_ENROLMENTS_OF = (
    "SELECT p.id AS partner_id, e.vendor_id, "  # noqa: S608
    + ", ".join(f"e.{c}" for c in _TERM_COLUMNS)
    + " FROM partners p LEFT JOIN partner_enrollments e"
    " ON e.partner_id = p.id AND e.active AND e.vendor_id = ANY($2::text[]) WHERE p.id = ANY($1::text[])"
)
_POLICIES_BY_VENDOR = f"SELECT {', '.join(_POLICY_COLUMNS)} FROM vendor_policies WHERE vendor_id = ANY($1::text[])"  # noqa: S608

_HISTORY = ("deal_id", "type", "at", "actor", "data")
_HISTORY_TYPES = ("text", "text", "timestamptz", "text", "jsonb")


def customer_lock_ids(vendor_id: str, keys: CustomerKeys) -> list[int]:
    """The advisory-lock ids of one vendor's customer, sorted: locks are always taken in this order."""
    return sorted({zlib.crc32(f"dealreg:{vendor_id}|{key}".encode()) for key in keys.index_keys()})


@functools.cache
def _deal_insert_sql(deal_columns: tuple[str, ...]) -> str:
    values = ", ".join(f"${i + 1}" for i in range(len(deal_columns)))
    return f"INSERT INTO deals ({', '.join(deal_columns)}) VALUES ({values})"  # noqa: S608


_CHANGES_SQL = (
    f"WITH h AS (INSERT INTO deal_history ({', '.join(_HISTORY)}) {unnest_rows_sql(_HISTORY, _HISTORY_TYPES, 1)}),"
    f" o AS ({outbox_insert_sql(1 + len(_HISTORY))})"
    f" SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
)


@functools.cache
def _insert_sql(deal_columns: tuple[str, ...]) -> str:
    """Deal, history rows, outbox rows and the relay's NOTIFY: one statement, rows in change order."""
    n = len(deal_columns)
    values = ", ".join(f"${i + 1}" for i in range(n))
    history = unnest_rows_sql(_HISTORY, _HISTORY_TYPES, n + 1)
    outbox = outbox_insert_sql(n + 1 + len(_HISTORY))
    return (
        f"WITH d AS (INSERT INTO deals ({', '.join(deal_columns)}) VALUES ({values})),"  # noqa: S608
        f" h AS (INSERT INTO deal_history ({', '.join(_HISTORY)}) {history}),"
        f" o AS ({outbox})"
        f" SELECT pg_notify('{OUTBOX_CHANNEL}', '')"
    )


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def _existing(r: asyncpg.Record) -> ExistingRegistration:
    return ExistingRegistration(
        deal_id=r["id"],
        vendor_id=r["vendor_id"],
        partner_id=r["partner_id"],
        status=DealStatus(r["status"]),
        customer=CustomerKeys(domain=r["customer_domain_key"], name=r["customer_name_key"]),
        skus=frozenset(r["skus"]),
        created_at=r["created_at"],
    )


def _deal_args(columns: tuple[str, ...], values: dict[str, Any]) -> list[Any]:
    return [_json(values[c]) if c in _DEAL_JSON else values[c] for c in columns]


def _change_args(history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]) -> list[Any]:
    assert len(history) == len(outbox)
    args: list[Any] = [[_json(h[c]) if c in _HISTORY_JSON else h[c] for h in history] for c in _HISTORY]
    return args + [[o[c] for o in outbox] for c in OUTBOX_COLUMNS]


def _claim(outcome: Outcome) -> KeyClaim:
    if isinstance(outcome, Replay):
        return KeyClaim("replay", outcome.status_code, outcome.body)
    if isinstance(outcome, InFlight):
        return KeyClaim("in_flight")
    if isinstance(outcome, Mismatch):
        return KeyClaim("mismatch")
    return KeyClaim("started")


class RegistrationStore:
    """dealreg.service.ports.RegistrationStore: the registration's statements, inside one transaction
    on one connection."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._con = connection

    async def lock_with_lookups(
        self, vendor_id: str, keys: CustomerKeys, partner_id: str
    ) -> tuple[PartnerTerms | None, ApprovalPolicy | None] | None:
        """One round trip: the customer's advisory locks, the partner's terms with the vendor and the
        vendor policy. None: no such partner; terms None: the partner is not enrolled with the vendor.

        The conflict-candidate read must be a later statement, so its snapshot follows the locks.
        """
        row = await self._con.fetchrow(_LOCK_WITH_LOOKUPS, customer_lock_ids(vendor_id, keys), vendor_id, partner_id)
        if row is None:
            return None
        terms = None
        if row["e_vendor_id"] is not None:
            terms = PartnerTerms(partner_id, vendor_id, Terms(**{c: row[f"e_{c}"] for c in _TERM_COLUMNS}))
        if row["v_vendor_id"] is None:
            return terms, None
        return terms, policy_from_row(VendorPolicyRow(**{c: row[f"v_{c}"] for c in _POLICY_COLUMNS}))

    async def lock(self, vendor_id: str, keys: CustomerKeys) -> None:
        lock_ids = customer_lock_ids(vendor_id, keys)
        if lock_ids:
            await self._con.fetchval(_LOCK_ONLY, lock_ids)

    async def active_candidates(self, vendor_id: str, keys: CustomerKeys) -> list[ExistingRegistration]:
        """Active deals of the vendor with the same domain key or name key (two partial indexes)."""
        how = "both" if keys.domain and keys.name else "domain" if keys.domain else "name" if keys.name else None
        if how is None:
            return []
        keys_args = [k for k in (keys.domain, keys.name) if k]
        rows = await self._con.fetch(_CANDIDATES[how], vendor_id, *keys_args)
        return [_existing(r) for r in rows]

    async def insert(self, deal: Deal, history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]) -> None:
        """The new deal with its history and outbox rows (one per change, in order), then NOTIFY the relay."""
        deal_values = new_deal_values(deal)
        columns = tuple(sorted(deal_values))
        await self._con.execute(_insert_sql(columns), *_deal_args(columns, deal_values), *_change_args(history, outbox))

    # --- many registrations in one transaction (an aggregator's batch) ---

    async def lock_customers(self, customers: Sequence[tuple[str, CustomerKeys]]) -> None:
        """Advisory locks on many customers, in ascending order like every single registration's."""
        lock_ids = [k for vendor_id, keys in customers for k in customer_lock_ids(vendor_id, keys)]
        if lock_ids:
            await self._con.fetchval(_LOCK_ONLY, sorted(set(lock_ids)))

    async def enrolments(
        self, partner_ids: Sequence[str], vendor_ids: Sequence[str]
    ) -> tuple[set[str], dict[tuple[str, str], PartnerTerms]]:
        """The partners that exist, and the terms of their active enrolments with these vendors."""
        rows = await self._con.fetch(_ENROLMENTS_OF, sorted(set(partner_ids)), sorted(set(vendor_ids)))
        terms = {
            (r["partner_id"], r["vendor_id"]): PartnerTerms(
                r["partner_id"], r["vendor_id"], Terms(**{c: r[c] for c in _TERM_COLUMNS})
            )
            for r in rows
            if r["vendor_id"] is not None
        }
        return {r["partner_id"] for r in rows}, terms

    async def policies(self, vendor_ids: Sequence[str]) -> dict[str, ApprovalPolicy]:
        rows = await self._con.fetch(_POLICIES_BY_VENDOR, sorted(set(vendor_ids)))
        return {r["vendor_id"]: policy_from_row(VendorPolicyRow(**dict(r))) for r in rows}

    async def active_candidates_of(
        self, vendor_ids: Sequence[str], keys: Sequence[CustomerKeys]
    ) -> list[ExistingRegistration]:
        """Active deals of these vendors sharing a domain or name key with any of `keys` (a superset:
        the matcher checks vendor, status and keys itself)."""
        domains = sorted({k.domain for k in keys if k.domain})
        names = sorted({k.name for k in keys if k.name})
        if not domains and not names:
            return []
        rows = await self._con.fetch(_CANDIDATES_MANY, sorted(set(vendor_ids)), domains, names)
        return [_existing(r) for r in rows]

    async def insert_many(
        self, deals: Sequence[Deal], history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]
    ) -> None:
        """Many new deals (pipelined), then all their history and outbox rows in order, then NOTIFY."""
        if not deals:
            return
        by_shape: dict[tuple[str, ...], list[list[Any]]] = {}
        for values in map(new_deal_values, deals):
            columns = tuple(sorted(values))
            by_shape.setdefault(columns, []).append(_deal_args(columns, values))
        for columns, rows in by_shape.items():
            await self._con.executemany(_deal_insert_sql(columns), rows)
        await self._con.execute(_CHANGES_SQL, *_change_args(history, outbox))

    # --- a batch's item keys, claimed and completed in this transaction ---

    async def claim_keys(self, scope: str, keys: Sequence[tuple[str, str]], ttl: timedelta) -> list[KeyClaim]:
        return [_claim(o) for o in await claim_keys(self._con, scope, keys, ttl)]

    async def complete_keys(self, scope: str, results: Sequence[tuple[str, str, int, bytes]]) -> None:
        await complete_keys(self._con, scope, results)


def _connection_lost(exc: BaseException) -> bool:
    return isinstance(
        exc,
        asyncpg.ConnectionDoesNotExistError | asyncpg.PostgresConnectionError | asyncpg.AdminShutdownError | OSError,
    )


async def in_registration_transaction(
    pool: asyncpg.Pool, work: Callable[[RegistrationStore], Awaitable[T]], *, savepoint: bool = False
) -> T:
    """Run `work` in one transaction; commit if it returns, roll back if it raises.

    A request carrying an Idempotency-Key already holds a transaction with its key row: `work`
    runs in it, so the deal and the key's stored response commit together (no extra round trip).
    The key's middleware rolls that transaction back on any error answer; `savepoint=True` is for
    a caller that goes on after `work` failed (a batch falling back to one item at a time).

    The pool does not ping a connection before lending it (that would be another round trip per
    request), so after a database restart a pooled connection may be dead. A transaction that
    lost its connection before COMMIT was sent wrote nothing, and is run once more on a fresh one.
    """
    keyed = request_transaction()
    if keyed is not None:
        con = await keyed.driver()
        if not savepoint:
            return await work(RegistrationStore(con))
        async with con.transaction():
            return await work(RegistrationStore(con))
    for attempt in (1, 2):
        async with pool.acquire() as con:
            transaction = con.transaction()
            try:
                await transaction.start()
                result = await work(RegistrationStore(con))
            except BaseException as exc:
                # Not started, or the connection is gone (the pool then replaces it): nothing to undo.
                with contextlib.suppress(Exception):
                    await transaction.rollback()
                if attempt == 1 and _connection_lost(exc):
                    continue
                raise
            await transaction.commit()
            return result
    raise AssertionError("unreachable")


class PgRegistrations:
    """dealreg.service.ports.Registrations on the app's raw asyncpg pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    def in_transaction(
        self, work: Callable[[RegistrationStore], Awaitable[T]], *, savepoint: bool = False
    ) -> Awaitable[T]:
        return in_registration_transaction(self._pool, work, savepoint=savepoint)

    def shares_one_connection(self) -> bool:
        return request_transaction() is not None
