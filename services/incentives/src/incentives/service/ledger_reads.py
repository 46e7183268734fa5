"""Reading the rep-facing ledger: tenancy filters, and rows as domain LedgerLines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from incentives.adapters.tables import LedgerEntryRow, PayoutItemRow
from incentives.domain.deals import Stage
from incentives.domain.ledger import LedgerLine
from incentives.domain.rules import RewardKind
from servicekit.principal import Principal, Role


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The SQL filter of what a caller may see: a partner its own, a vendor its vendor's."""
    if principal.role is Role.ADMIN:
        return true()
    if principal.role is Role.VENDOR and principal.vendor_id:
        return col(LedgerEntryRow.vendor_id) == principal.vendor_id
    if principal.role is Role.PARTNER and principal.partner_id:
        return col(LedgerEntryRow.partner_id) == principal.partner_id
    if principal.role is Role.AGGREGATOR and principal.partner_ids:
        return col(LedgerEntryRow.partner_id).in_(sorted(principal.partner_ids))
    return false()


def to_line(row: LedgerEntryRow, payout_id: str | None) -> LedgerLine:
    return LedgerLine(
        id=row.id,
        deal_id=row.deal_id,
        rep_id=row.rep_id,
        partner_id=row.partner_id,
        vendor_id=row.vendor_id,
        program_id=row.program_id,
        kind=RewardKind(row.kind),
        stage=Stage(row.stage) if row.stage else None,
        amount=row.amount,
        currency=row.currency,
        event_id=row.event_id,
        rule_key=row.rule_key,
        created_at=row.created_at,
        payout_id=payout_id,
    )


async def lines_where(session: AsyncSession, *conditions: Any) -> list[LedgerLine]:
    """Ledger lines matching the conditions, with the payout that settled each (if any)."""
    query = (
        select(LedgerEntryRow, col(PayoutItemRow.payout_id))
        .outerjoin(PayoutItemRow, col(PayoutItemRow.entry_id) == col(LedgerEntryRow.id))
        .where(*conditions)
        .order_by(col(LedgerEntryRow.seq))
    )
    return [to_line(row, payout_id) for row, payout_id in (await session.execute(query)).all()]
