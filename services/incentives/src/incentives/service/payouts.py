"""Payout batches: every unpaid net reward of a vendor up to a time, one line per rep.

Batches of one vendor are serialised by a transaction-scoped advisory lock, and
payout_items' primary key (entry_id) refuses an entry in a second batch regardless.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import new_event
from events.outbox import enqueue
from events.topics import TopicNames
from incentives.adapters.tables import LedgerEntryRow, PayoutItemRow, PayoutLineRow, PayoutRow
from incentives.domain.payouts import PayoutBatch, build_payout, payout_transfers
from incentives.service.ledger_reads import lines_where
from incentives.service.ledger_store import post_transfer
from servicekit.money import format_money


class NothingToPay(Exception):
    pass


async def create_payouts(
    session: AsyncSession, *, vendor_id: str, up_to: datetime, currency: str | None, topics: TopicNames
) -> list[tuple[PayoutRow, PayoutBatch]]:
    """One batch per currency owed (only `currency` when given), booked in the caller's transaction.

    Currencies are never added: a vendor owing USD and EUR gets two payouts, each of one
    currency. NothingToPay when no rep is owed anything.
    """
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"payout:{vendor_id}"))))
    unpaid = await lines_where(
        session,
        col(LedgerEntryRow.vendor_id) == vendor_id,
        col(LedgerEntryRow.created_at) <= up_to,
        col(PayoutItemRow.entry_id).is_(None),
        col(LedgerEntryRow.amount) != 0,
    )
    currencies = sorted({line.currency for line in unpaid if currency in (None, line.currency)})
    batches = [build_payout(unpaid, vendor_id=vendor_id, currency=c, up_to=up_to) for c in currencies]
    booked = [await _book(session, batch, topics) for batch in batches if batch.lines]
    if not booked:
        raise NothingToPay()
    return booked


async def _book(session: AsyncSession, batch: PayoutBatch, topics: TopicNames) -> tuple[PayoutRow, PayoutBatch]:
    vendor_id, up_to = batch.vendor_id, batch.up_to
    now = datetime.now(UTC)
    payout = PayoutRow(
        id=str(uuid.uuid4()),
        vendor_id=vendor_id,
        up_to=up_to,
        currency=batch.currency,
        total=batch.total,
        created_at=now,
    )
    session.add(payout)
    await session.flush()
    for line in batch.lines:
        session.add(
            PayoutLineRow(
                payout_id=payout.id,
                rep_id=line.rep_id,
                partner_id=line.partner_id,
                amount=line.amount,
                entry_count=line.entry_count,
            )
        )
    await session.flush()
    await session.execute(
        insert(PayoutItemRow).values([{"entry_id": e, "payout_id": payout.id} for e in batch.entry_ids])
    )
    for transfer in payout_transfers(batch, payout.id):
        await post_transfer(session, transfer, now)
    event = new_event(
        event_type="payout-created",
        service="incentives",
        subject=payout.id,
        data={
            "payout_id": payout.id,
            "vendor_id": vendor_id,
            "up_to": up_to.isoformat(),
            "currency": batch.currency,
            "total": format_money(batch.total),
            "line_count": len(batch.lines),
        },
    )
    await enqueue(session, [(topics.incentives, payout.id, event)])
    return payout, batch
