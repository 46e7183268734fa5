"""The ledger written a batch at a time: one statement per table, whatever the batch's size.

The same rows ledger_store writes one by one, through arrays (unnest) so a poll of
hundreds of events costs a handful of round trips. Accounts are locked in id order in
one statement, so two consumers locking overlapping sets can never deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from events.schemas import DealEventData
from incentives.domain.accrual import Accrual, DealRewardState
from incentives.domain.ledger import Transfer, entries

_ZERO = Decimal("0.00")

_ENSURE_ACCOUNTS = text(
    "INSERT INTO ledger_accounts (id, currency, balance, non_negative) "
    "SELECT id, currency, 0, non_negative "
    "FROM unnest(CAST(:ids AS text[]), CAST(:currencies AS text[]), CAST(:non_negative AS boolean[])) "
    "AS u(id, currency, non_negative) ORDER BY id ON CONFLICT (id) DO NOTHING"
)
_LOCK_ACCOUNTS = text(
    "SELECT id, balance FROM ledger_accounts WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR UPDATE"
)
_DEAL_STATES = text("SELECT deal_id, rule_key, amount FROM ledger_entries WHERE deal_id = ANY(CAST(:ids AS text[]))")
_INSERT_TRANSFERS = text(
    "INSERT INTO ledger_transfers (id, kind, debit_account, credit_account, amount, currency, created_at) "
    "SELECT u.*, CAST(:now AS timestamptz) FROM unnest(CAST(:ids AS text[]), CAST(:kinds AS text[]), "
    "CAST(:debits AS text[]), CAST(:credits AS text[]), CAST(:amounts AS numeric[]), CAST(:currencies AS text[])) AS u"
)
_INSERT_POSTINGS = text(
    "INSERT INTO ledger_postings (transfer_id, account, amount, currency, created_at) "
    "SELECT u.*, CAST(:now AS timestamptz) FROM unnest(CAST(:transfer_ids AS text[]), CAST(:accounts AS text[]), "
    "CAST(:amounts AS numeric[]), CAST(:currencies AS text[])) AS u"
)
_MOVE_BALANCES = text(
    "UPDATE ledger_accounts AS a SET balance = a.balance + d.delta "
    "FROM unnest(CAST(:ids AS text[]), CAST(:deltas AS numeric[])) AS d(id, delta) WHERE a.id = d.id"
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
_INSERT_ENTRIES = text(  # built from the constants above only
    f"INSERT INTO ledger_entries ({', '.join(_ENTRY_COLUMNS)}, created_at) "  # noqa: S608
    "SELECT u.*, CAST(:now AS timestamptz) FROM unnest("
    + ", ".join(f"CAST(:{c} AS {'numeric' if c in _MONEY_COLUMNS else 'text'}[])" for c in _ENTRY_COLUMNS)
    + ") AS u ON CONFLICT ON CONSTRAINT ledger_entries_one_per_rule DO NOTHING RETURNING id"
)


@dataclass(frozen=True, kw_only=True)
class EntryValues:
    """One ledger_entries row (what rewards.book_accrual inserts)."""

    id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str
    kind: str
    stage: str | None
    rule_key: str
    amount: Decimal
    requested: Decimal
    cut: Decimal
    cut_reason: str | None
    currency: str
    event_id: str
    transfer_id: str | None


def entry_values(
    *,
    entry_id: str,
    deal: DealEventData,
    program_id: str,
    currency: str,
    accrual: Accrual,
    event_id: str,
    transfer_id: str | None,
) -> EntryValues:
    """The rep-facing ledger row of one accrual (both the single-event and the batch path write it)."""
    return EntryValues(
        id=entry_id,
        deal_id=deal.id,
        rep_id=deal.rep.id,
        partner_id=deal.partner_id,
        vendor_id=deal.vendor_id,
        program_id=program_id,
        kind=str(accrual.kind),
        stage=str(accrual.stage) if accrual.stage is not None else None,
        rule_key=accrual.rule_key,
        amount=accrual.granted,
        requested=accrual.requested,
        cut=accrual.cut,
        cut_reason=str(accrual.cut_reason) if accrual.cut_reason is not None else None,
        currency=currency,
        event_id=event_id,
        transfer_id=transfer_id,
    )


async def ensure_accounts(session: AsyncSession, accounts: Mapping[str, tuple[str, bool]]) -> None:
    """Create missing accounts (id -> (currency, non_negative)) at zero, in id order."""
    if not accounts:
        return
    ids = sorted(accounts)
    await session.execute(
        _ENSURE_ACCOUNTS,
        {
            "ids": ids,
            "currencies": [accounts[i][0] for i in ids],
            "non_negative": [accounts[i][1] for i in ids],
        },
    )


async def lock_accounts(session: AsyncSession, accounts: Iterable[str]) -> dict[str, Decimal]:
    """The accounts' balances, their rows locked in id order until the transaction ends."""
    ids = sorted(set(accounts))
    if not ids:
        return {}
    rows = await session.execute(_LOCK_ACCOUNTS, {"ids": ids})
    return {row[0]: row[1] for row in rows}


async def deal_states(session: AsyncSession, deal_ids: Iterable[str]) -> dict[str, DealRewardState]:
    """Every deal's reward state from its stored entries (deals with none are absent)."""
    ids = sorted(set(deal_ids))
    if not ids:
        return {}
    keys: dict[str, set[str]] = {}
    nets: dict[str, Decimal] = {}
    for deal_id, rule_key, amount in await session.execute(_DEAL_STATES, {"ids": ids}):
        keys.setdefault(deal_id, set()).add(rule_key)
        nets[deal_id] = nets.get(deal_id, _ZERO) + amount
    return {deal_id: DealRewardState(frozenset(k), nets[deal_id]) for deal_id, k in keys.items()}


async def post_transfers(session: AsyncSession, transfers: Sequence[Transfer], now: datetime) -> None:
    """Append the transfers and their entries and move the balances: three statements.

    The accounts must exist (and should be locked by the caller).
    """
    if not transfers:
        return
    await session.execute(
        _INSERT_TRANSFERS,
        {
            "now": now,
            "ids": [t.id for t in transfers],
            "kinds": [str(t.kind) for t in transfers],
            "debits": [t.debit_account for t in transfers],
            "credits": [t.credit_account for t in transfers],
            "amounts": [t.amount for t in transfers],
            "currencies": [t.currency for t in transfers],
        },
    )
    legs = [entry for t in transfers for entry in entries(t)]
    await session.execute(
        _INSERT_POSTINGS,
        {
            "now": now,
            "transfer_ids": [e.transfer_id for e in legs],
            "accounts": [e.account for e in legs],
            "amounts": [e.amount for e in legs],
            "currencies": [e.currency for e in legs],
        },
    )
    deltas: dict[str, Decimal] = {}
    for leg in legs:
        deltas[leg.account] = deltas.get(leg.account, _ZERO) + leg.amount
    ids = sorted(deltas)
    await session.execute(_MOVE_BALANCES, {"ids": ids, "deltas": [deltas[i] for i in ids]})


async def insert_entries(session: AsyncSession, rows: Sequence[EntryValues], now: datetime) -> int:
    """Append rep-facing entries; how many were new (one per deal and rule)."""
    if not rows:
        return 0
    params: dict[str, Any] = {"now": now}
    for column in _ENTRY_COLUMNS:
        params[column] = [getattr(row, column) for row in rows]
    result = await session.execute(_INSERT_ENTRIES, params)
    return len(result.all())
