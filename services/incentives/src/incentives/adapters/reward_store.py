"""The deal-event path's store (service.ports.RewardStore), the measured hot path.

The ledger read and written a batch at a time, on the raw asyncpg connection of the
consumer's transaction.

Everything goes through arrays (unnest), as fixed SQL with $n parameters: no SQLAlchemy per
statement (~0.4 ms of client CPU each). A batch costs the same few statements whatever its
size: closes (if any), programs, programs of record, budget locks, ensure payables, payable
locks, the deals' states, and ONE write (transfers, postings, balances, entries, outbox, NOTIFY).
Accounts are locked in id order in one statement, so two consumers never deadlock.
Errors come back wrapped in SQLAlchemy's DBAPIError, so the consumer still tells transient
failures (deadlock, lost connection) from the data's.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from events.batching import outbox_arrays, outbox_insert_sql
from events.tables import OUTBOX_CHANNEL
from incentives.adapters.tables import ProgramRow, to_record
from incentives.domain.accrual import DealRewardState
from incentives.domain.ledger import Transfer
from incentives.service.ports import DealClose, EntryValues, Outgoing, ProgramRecord

_ZERO = Decimal("0.00")

_PROGRAM_COLUMNS = (
    "id, vendor_id, partner_id, name, currency, starts_on, ends_on, registration_reward_pct, "
    "pay_registration_on, stage_bonuses::text AS stage_bonuses, close_won_pct, clawback_on_reject, "
    "tier_multipliers::text AS tier_multipliers, cap_per_deal, budget, created_at, version, effective_from"
)
# Every program of the batch's vendors (the domain picks each deal's).
_PROGRAMS = f"SELECT {_PROGRAM_COLUMNS} FROM programs WHERE vendor_id = ANY($1::text[])"  # noqa: S608
_ENSURE_ACCOUNTS = (
    "INSERT INTO ledger_accounts (id, currency, balance, non_negative) "
    "SELECT id, currency, 0, non_negative "
    "FROM unnest($1::text[], $2::text[], $3::boolean[]) AS u(id, currency, non_negative) "
    "ORDER BY id ON CONFLICT (id) DO NOTHING"
)
_LOCK_ACCOUNTS = "SELECT id, balance FROM ledger_accounts WHERE id = ANY($1::text[]) ORDER BY id FOR UPDATE"
_DEAL_STATES = "SELECT deal_id, rule_key, amount FROM ledger_entries WHERE deal_id = ANY($1::text[])"
_RECORDED = "SELECT deal_id, program_id FROM deal_programs WHERE deal_id = ANY($1::text[])"
_RECORD_CLOSES = (
    "INSERT INTO deal_closes (deal_id, partner_id, vendor_id, outcome, amount, margin_pct, currency, closed_at) "
    "SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], "
    "$7::text[], $8::timestamptz[]) ON CONFLICT (deal_id) DO NOTHING"
)
_ENTRY_COLUMNS = (
    "id",
    "deal_id",
    "rep_id",
    "partner_id",
    "vendor_id",
    "program_id",
    "kind",
    "stage",
    "rule_key",
    "amount",
    "requested",
    "cut",
    "cut_reason",
    "currency",
    "event_id",
    "transfer_id",
)
_MONEY_COLUMNS = {"amount", "requested", "cut"}
_FIRST_ENTRY = 8  # $1 the time, $2..$7 the transfers' arrays
# Money goes over the wire as text and is cast to numeric in SQL: exact either way, and
# asyncpg's binary numeric encoding costs ~3x the client CPU of str().
_ENTRY_ARRAYS = ", ".join(
    f"${i}::{'text[]::numeric' if c in _MONEY_COLUMNS else 'text'}[]"
    for i, c in enumerate(_ENTRY_COLUMNS, start=_FIRST_ENTRY)
)
_DEAL_ARRAY = f"${_FIRST_ENTRY + _ENTRY_COLUMNS.index('deal_id')}::text[]"
_PROGRAM_ARRAY = f"${_FIRST_ENTRY + _ENTRY_COLUMNS.index('program_id')}::text[]"
# Every write of a batch in one statement. The CTEs share one snapshot but nothing here reads
# another's rows: the foreign keys (postings -> transfers, entries -> transfers) are checked at
# the statement's end, and the CHECK (a budget never below zero) and the append-only triggers
# fire per row as ever: any violation fails the whole statement. A transfer's two postings
# (domain.ledger.entries: debit -amount, credit +amount) and each account's net move are
# derived here from the transfers rather than sent: a third of the parameters, whose encoding
# was the client's largest cost per event. A deal's first entries record its program of
# record (deal_programs); an entry of any other program for that deal breaks the
# (deal_id, program_id) foreign key and fails the statement. Entries RETURNING id so the
# caller can tell a conflict (an entry booked already) and roll the batch back. The outbox
# rows (events.batching.outbox_insert_sql) and the NOTIFY as enqueue_many writes them, the
# NOTIFY sent only if there are rows.
_WRITE_BATCH = f"""
WITH moves AS (
  SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[]::numeric[], $7::text[])
    WITH ORDINALITY AS u(id, kind, debit_account, credit_account, amount, currency, n)
), transfers AS (
  INSERT INTO ledger_transfers (id, kind, debit_account, credit_account, amount, currency, created_at)
  SELECT id, kind, debit_account, credit_account, amount, currency, $1::timestamptz FROM moves ORDER BY n
), legs AS (
  SELECT m.id AS transfer_id, l.account, l.amount, m.currency, m.n, l.leg FROM moves AS m
  CROSS JOIN LATERAL (VALUES (1, m.debit_account, -m.amount), (2, m.credit_account, m.amount))
    AS l(leg, account, amount)
), postings AS (
  INSERT INTO ledger_postings (transfer_id, account, amount, currency, created_at)
  SELECT transfer_id, account, amount, currency, $1::timestamptz FROM legs ORDER BY n, leg
), balances AS (
  UPDATE ledger_accounts AS a SET balance = a.balance + d.delta
  FROM (SELECT account, sum(amount) AS delta FROM legs GROUP BY account) AS d WHERE a.id = d.account
), recorded AS (
  INSERT INTO deal_programs (deal_id, program_id, created_at)
  SELECT DISTINCT u.deal_id, u.program_id, $1::timestamptz FROM unnest({_DEAL_ARRAY}, {_PROGRAM_ARRAY})
    AS u(deal_id, program_id)
  ON CONFLICT (deal_id) DO NOTHING
), booked AS (
  INSERT INTO ledger_entries ({", ".join(_ENTRY_COLUMNS)}, created_at)
  SELECT u.*, $1::timestamptz FROM unnest({_ENTRY_ARRAYS}) AS u
  ON CONFLICT ON CONSTRAINT ledger_entries_one_per_rule DO NOTHING RETURNING id
), queued AS (
  {outbox_insert_sql(_FIRST_ENTRY + len(_ENTRY_COLUMNS))} RETURNING 1
), notified AS (
  SELECT pg_notify('{OUTBOX_CHANNEL}', '') FROM (SELECT 1 FROM queued LIMIT 1) AS any_row
)
SELECT (SELECT count(*) FROM booked) AS booked, (SELECT count(*) FROM notified) AS notified
"""  # noqa: S608 (built from constants only)


def _money(amount: Decimal) -> str:
    """An exact decimal literal for PostgreSQL's numeric input (never exponent notation)."""
    return format(amount, "f")


async def raw_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under the session's open transaction (statements on it are inside it)."""
    raw = await (await session.connection()).get_raw_connection()
    con = raw.driver_connection
    if con is None or not con.is_in_transaction():
        # SQLAlchemy sends BEGIN with its first statement: without one, these would autocommit.
        raise RuntimeError("no transaction open on the session's connection: execute a statement through it first")
    return con


async def _fetch(con: Any, sql: str, *args: Any) -> list[Any]:
    try:
        return list(await con.fetch(sql, *args))
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        # What SQLAlchemy would raise: the consumer's is_transient reads it.
        raise DBAPIError(sql, None, exc) from exc


async def programs_of(con: Any, vendor_ids: Iterable[str]) -> list[ProgramRecord]:
    """Every program of these vendors (the domain picks each deal's active one)."""
    rows = await _fetch(con, _PROGRAMS, sorted(set(vendor_ids)))
    programs = []
    for row in rows:
        values = dict(row)
        values["stage_bonuses"] = json.loads(values["stage_bonuses"])
        values["tier_multipliers"] = json.loads(values["tier_multipliers"])
        programs.append(to_record(ProgramRow(**values)))
    return programs


async def ensure_accounts(con: Any, accounts: Mapping[str, tuple[str, bool]]) -> None:
    """Create missing accounts (id -> (currency, non_negative)) at zero, in id order."""
    if not accounts:
        return
    ids = sorted(accounts)
    await _fetch(con, _ENSURE_ACCOUNTS, ids, [accounts[i][0] for i in ids], [accounts[i][1] for i in ids])


async def lock_accounts(con: Any, accounts: Iterable[str]) -> dict[str, Decimal]:
    """The accounts' balances, their rows locked in id order until the transaction ends."""
    ids = sorted(set(accounts))
    if not ids:
        return {}
    return {row[0]: row[1] for row in await _fetch(con, _LOCK_ACCOUNTS, ids)}


async def deal_states(con: Any, deal_ids: Iterable[str]) -> dict[str, DealRewardState]:
    """Every deal's reward state from its stored entries (deals with none are absent)."""
    ids = sorted(set(deal_ids))
    if not ids:
        return {}
    keys: dict[str, set[str]] = {}
    nets: dict[str, Decimal] = {}
    for deal_id, rule_key, amount in await _fetch(con, _DEAL_STATES, ids):
        keys.setdefault(deal_id, set()).add(rule_key)
        nets[deal_id] = nets.get(deal_id, _ZERO) + amount
    return {deal_id: DealRewardState(frozenset(k), nets[deal_id]) for deal_id, k in keys.items()}


async def recorded_programs(con: Any, deal_ids: Iterable[str]) -> dict[str, str]:
    """deal id -> its program of record, for the deals that have one."""
    ids = sorted(set(deal_ids))
    if not ids:
        return {}
    return {row[0]: row[1] for row in await _fetch(con, _RECORDED, ids)}


_CLOSE_COLUMNS = ("deal_id", "partner_id", "vendor_id", "outcome", "amount", "margin_pct", "currency", "closed_at")


async def record_closes(con: Any, closes: Sequence[DealClose]) -> None:
    """Store closed deals for the partners' history, once per deal."""
    if closes:
        await _fetch(con, _RECORD_CLOSES, *([getattr(c, column) for c in closes] for column in _CLOSE_COLUMNS))


async def write_batch(
    con: Any,
    transfers: Sequence[Transfer],
    rows: Sequence[EntryValues],
    outgoing: Sequence[Outgoing],
    now: datetime,
) -> int:
    """Append the transfers (postings, balances moved), the entries and the outbox rows: one statement.

    The accounts must exist and be locked by the caller. Returns how many entries were new
    (one per deal and rule); the caller must roll back if that is fewer than `rows`.
    """
    if not (transfers or rows or outgoing):
        return 0
    result = await _fetch(
        con,
        _WRITE_BATCH,
        now,
        [t.id for t in transfers],
        [str(t.kind) for t in transfers],
        [t.debit_account for t in transfers],
        [t.credit_account for t in transfers],
        [_money(t.amount) for t in transfers],
        [t.currency for t in transfers],
        *(
            [_money(getattr(row, column)) for row in rows]
            if column in _MONEY_COLUMNS
            else [getattr(row, column) for row in rows]
            for column in _ENTRY_COLUMNS
        ),
        *outbox_arrays(outgoing),
    )
    booked: int = result[0]["booked"]
    return booked


class PgRewardStore:
    """service.ports.RewardStore on the raw asyncpg connection under the session's transaction."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._con: Any = None

    async def _connection(self) -> Any:
        if self._con is None:
            raw = await (await self._session.connection()).get_raw_connection()
            if raw.driver_connection is None or not raw.driver_connection.is_in_transaction():
                # The consumer's claim has opened it already; a caller that has not, opens it here.
                await self._session.execute(text("SELECT 1"))
            self._con = await raw_connection(self._session)
        return self._con

    async def record_closes(self, closes: Sequence[DealClose]) -> None:
        if closes:
            await record_closes(await self._connection(), closes)

    async def programs_of(self, vendor_ids: set[str]) -> list[ProgramRecord]:
        return await programs_of(await self._connection(), vendor_ids)

    async def recorded_programs(self, deal_ids: set[str]) -> dict[str, str]:
        return await recorded_programs(await self._connection(), deal_ids)

    async def lock_accounts(self, accounts: set[str]) -> dict[str, Decimal]:
        return await lock_accounts(await self._connection(), accounts)

    async def ensure_accounts(self, accounts: Mapping[str, tuple[str, bool]]) -> None:
        await ensure_accounts(await self._connection(), accounts)

    async def deal_states(self, deal_ids: set[str]) -> dict[str, DealRewardState]:
        return await deal_states(await self._connection(), deal_ids)

    async def write_batch(
        self, transfers: Sequence[Transfer], rows: Sequence[EntryValues], outgoing: Sequence[Outgoing], now: datetime
    ) -> int:
        return await write_batch(await self._connection(), transfers, rows, outgoing, now)
