"""dealreg's queries: every lookup is by key or by an index, never a scan of deals."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import tuple_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.mapping import partner_terms_from_row
from dealreg.adapters.tables import DealRow, EnrollmentRow, VendorPolicyRow
from dealreg.domain.deals import DealStatus
from dealreg.domain.enrolment import PartnerTerms


async def get_policy_row(session: AsyncSession, vendor_id: str) -> VendorPolicyRow | None:
    return await session.get(VendorPolicyRow, vendor_id)


async def policy_rows(session: AsyncSession, vendor_ids: Iterable[str]) -> dict[str, VendorPolicyRow]:
    ids = sorted(set(vendor_ids))
    if not ids:
        return {}
    rows = (await session.exec(select(VendorPolicyRow).where(col(VendorPolicyRow.vendor_id).in_(ids)))).all()
    return {r.vendor_id: r for r in rows}


async def deal_partner_terms(
    session: AsyncSession, pairs: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], PartnerTerms]:
    """The terms of (partner, vendor) pairs: what each deal's events carry as `partner`."""
    wanted = sorted(set(pairs))
    if not wanted:
        return {}
    query = select(EnrollmentRow).where(tuple_(col(EnrollmentRow.partner_id), col(EnrollmentRow.vendor_id)).in_(wanted))
    return {(r.partner_id, r.vendor_id): partner_terms_from_row(r) for r in (await session.exec(query)).all()}


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
