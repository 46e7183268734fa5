"""Booking double-entry transfers in PostgreSQL: accounts, transfers, entries, balances.

Balances live on `accounts` rows (TigerBeetle-style); a budget row is created
non-negative, so its CHECK refuses any overdraft even if a caller forgot the lock.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from incentives.adapters.tables import AccountRow, EntryRow, TransferRow
from incentives.domain.ledger import Transfer, entries, may_overdraw


async def ensure_account(session: AsyncSession, account: str, currency: str, *, non_negative: bool) -> None:
    await session.execute(
        insert(AccountRow)
        .values(id=account, currency=currency, balance=Decimal("0.00"), non_negative=non_negative)
        .on_conflict_do_nothing(index_elements=["id"])
    )


async def lock_balance(session: AsyncSession, account: str) -> Decimal | None:
    """The account's balance, its row locked until the transaction ends (None: no such account)."""
    result = await session.execute(
        select(col(AccountRow.balance)).where(col(AccountRow.id) == account).with_for_update()
    )
    return result.scalar_one_or_none()


async def balance_of(session: AsyncSession, account: str) -> Decimal | None:
    result = await session.execute(select(col(AccountRow.balance)).where(col(AccountRow.id) == account))
    return result.scalar_one_or_none()


async def post_transfer(session: AsyncSession, transfer: Transfer, now: datetime) -> None:
    """Append the transfer and its two entries and move the balances, in the caller's transaction."""
    for account in (transfer.debit_account, transfer.credit_account):
        await ensure_account(session, account, transfer.currency, non_negative=not may_overdraw(account))
    await session.execute(
        insert(TransferRow).values(
            id=transfer.id,
            kind=str(transfer.kind),
            debit_account=transfer.debit_account,
            credit_account=transfer.credit_account,
            amount=transfer.amount,
            currency=transfer.currency,
            created_at=now,
        )
    )
    for entry in entries(transfer):
        await session.execute(
            insert(EntryRow).values(
                transfer_id=entry.transfer_id,
                account=entry.account,
                amount=entry.amount,
                currency=entry.currency,
                created_at=now,
            )
        )
        await session.execute(
            update(AccountRow)
            .where(col(AccountRow.id) == entry.account)
            .values(balance=col(AccountRow.balance) + entry.amount)
        )
