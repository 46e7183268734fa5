"""dealreg's queries: every lookup is by key or by an index, never a scan of deals."""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.tables import DealRow, PartnerRow, VendorPolicyRow
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import ACTIVE_STATUSES, DealStatus

_ACTIVE = [str(s) for s in ACTIVE_STATUSES]


async def lock_customer(session: AsyncSession, vendor_id: str, keys: CustomerKeys) -> None:
    """Serialize registrations for one vendor's customer (transaction-scoped advisory locks).

    Two concurrent registrations of the same customer would otherwise both miss each other
    and neither be flagged. Locks are taken in a fixed order so two keys never deadlock.
    """
    lock_ids = sorted({zlib.crc32(f"dealreg:{vendor_id}|{key}".encode()) for key in keys.index_keys()})
    if lock_ids:
        await session.execute(
            sa.text("SELECT pg_advisory_xact_lock(k) FROM unnest(CAST(:ks AS bigint[])) AS k ORDER BY k"),
            {"ks": lock_ids},
        )


async def active_candidates(session: AsyncSession, vendor_id: str, keys: CustomerKeys) -> Sequence[DealRow]:
    """Active deals of the vendor with the same domain key or name key (two partial indexes)."""
    matches = []
    if keys.domain:
        matches.append(col(DealRow.customer_domain_key) == keys.domain)
    if keys.name:
        matches.append(col(DealRow.customer_name_key) == keys.name)
    if not matches:
        return []
    query = select(DealRow).where(
        col(DealRow.vendor_id) == vendor_id, col(DealRow.status).in_(_ACTIVE), sa.or_(*matches)
    )
    return (await session.exec(query)).all()


async def get_policy_row(session: AsyncSession, vendor_id: str) -> VendorPolicyRow | None:
    return await session.get(VendorPolicyRow, vendor_id)


async def policy_rows(session: AsyncSession, vendor_ids: Iterable[str]) -> dict[str, VendorPolicyRow]:
    ids = sorted(set(vendor_ids))
    if not ids:
        return {}
    rows = (await session.exec(select(VendorPolicyRow).where(col(VendorPolicyRow.vendor_id).in_(ids)))).all()
    return {r.vendor_id: r for r in rows}


async def partner_rows(session: AsyncSession, partner_ids: Iterable[str]) -> dict[str, PartnerRow]:
    ids = sorted(set(partner_ids))
    if not ids:
        return {}
    rows = (await session.exec(select(PartnerRow).where(col(PartnerRow.id).in_(ids)))).all()
    return {r.id: r for r in rows}


async def lock_deal(session: AsyncSession, deal_id: str) -> DealRow | None:
    return await session.get(DealRow, deal_id, with_for_update=True, populate_existing=True)


async def overdue_deals(session: AsyncSession, now: datetime, limit: int) -> Sequence[DealRow]:
    """Pending deals past their SLA, not yet signalled; rows other replicas hold are skipped."""
    query = (
        select(DealRow)
        .where(
            col(DealRow.status) == str(DealStatus.PENDING_APPROVAL),
            col(DealRow.approval_overdue_at).is_(None),
            col(DealRow.approval_due_at) <= now,
        )
        .order_by(col(DealRow.approval_due_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(query)).all()


async def lapsed_deals(session: AsyncSession, now: datetime, limit: int) -> Sequence[DealRow]:
    """Approved deals whose protection has run out; rows other replicas hold are skipped."""
    query = (
        select(DealRow)
        .where(col(DealRow.status) == str(DealStatus.APPROVED), col(DealRow.protection_expires_at) <= now)
        .order_by(col(DealRow.protection_expires_at))
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.exec(query)).all()
