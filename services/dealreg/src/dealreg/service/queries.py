"""Read side: a deal, the deal list (filters + keyset pagination), a deal's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.mapping import deal_from_row
from dealreg.adapters.tables import DealHistoryRow, DealRow
from dealreg.service.views import deal_json, history_json
from servicekit.pagination import decode_cursor, next_cursor
from servicekit.principal import Principal, Role
from servicekit.problems import not_found


async def visible_deal(session: AsyncSession, principal: Principal, deal_id: str) -> DealRow:
    row = await session.get(DealRow, deal_id)
    if row is None or not principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id):
        raise not_found("deal")
    return row


async def list_deals(
    session: AsyncSession,
    principal: Principal,
    *,
    status: str | None,
    stage: str | None,
    partner_id: str | None,
    vendor_id: str | None,
    updated_after: datetime | None,
    limit: int,
    cursor: str | None,
) -> dict[str, Any]:
    """Deals the caller may see, oldest first by (created_at, id)."""
    query = select(DealRow)
    # Tenancy first: filters only ever narrow what the caller may see.
    if principal.role is Role.PARTNER:
        query = query.where(col(DealRow.partner_id) == principal.partner_id)
    elif principal.role is Role.AGGREGATOR:
        query = query.where(col(DealRow.partner_id).in_(sorted(principal.partner_ids)))
    elif principal.role is Role.VENDOR:
        query = query.where(col(DealRow.vendor_id) == principal.vendor_id)
    if status:
        query = query.where(col(DealRow.status) == status)
    if stage:
        query = query.where(col(DealRow.stage) == stage)
    if partner_id:
        query = query.where(col(DealRow.partner_id) == partner_id)
    if vendor_id:
        query = query.where(col(DealRow.vendor_id) == vendor_id)
    if updated_after:
        query = query.where(col(DealRow.updated_at) > updated_after)
    key = decode_cursor(cursor, {"c": datetime, "i": str})
    if key is not None:
        after = key["c"]
        query = query.where(
            (col(DealRow.created_at) > after) | ((col(DealRow.created_at) == after) & (col(DealRow.id) > str(key["i"])))
        )
    query = query.order_by(col(DealRow.created_at), col(DealRow.id)).limit(limit + 1)
    rows = list((await session.exec(query)).all())
    page, nxt = next_cursor(rows, limit, lambda r: {"c": r.created_at.isoformat(), "i": r.id})
    return {"items": [deal_json(deal_from_row(r), principal) for r in page], "next_cursor": nxt}


async def deal_history(
    session: AsyncSession, principal: Principal, deal_id: str, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    await visible_deal(session, principal, deal_id)
    query = select(DealHistoryRow).where(col(DealHistoryRow.deal_id) == deal_id)
    key = decode_cursor(cursor, {"h": int})
    if key is not None:
        query = query.where(col(DealHistoryRow.id) > key["h"])
    query = query.order_by(col(DealHistoryRow.id)).limit(limit + 1)
    rows = list((await session.exec(query)).all())
    page, nxt = next_cursor(rows, limit, lambda r: {"h": r.id})
    return {"items": [history_json(r) for r in page], "next_cursor": nxt}
