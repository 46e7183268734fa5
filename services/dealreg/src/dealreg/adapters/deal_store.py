"""The DealStore on a SQLAlchemy session (the request's, or the scheduler's): every statement but
registration's hot path (adapters/registration_store.py). Every lookup is by key or by an index,
never a scan of deals. Outbox rows are written here, in the session's transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.mapping import (
    deal_from_row,
    enrolment_from_row,
    partner_terms_from_row,
    policy_from_row,
    policy_values,
    profile_from_row,
    write_deal,
)
from dealreg.adapters.tables import DealHistoryRow, DealRow, EnrollmentRow, PartnerRow, VendorPolicyRow
from dealreg.domain.deals import Deal
from dealreg.domain.enrolment import Enrolment, PartnerProfile, PartnerTerms
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.ports import DealFilter, HistoryEntry, Outgoing, StoredPolicy
from events.outbox import enqueue
from events.vocabulary import DealStatus
from servicekit.db import lock_name

_PROFILES: Any = PartnerRow.__table__  # type: ignore[attr-defined]


class SqlDealStore:
    """dealreg.service.ports.DealStore in one AsyncSession. Rows it loaded (locked) are the ones it saves."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._deals: dict[str, DealRow] = {}
        self._profiles: dict[str, PartnerRow] = {}
        self._enrolments: dict[tuple[str, str], EnrollmentRow] = {}

    # --- deals ---

    async def get_deal(self, deal_id: str) -> Deal | None:
        row = await self._session.get(DealRow, deal_id)
        return deal_from_row(row) if row is not None else None

    async def lock_deal(self, deal_id: str) -> Deal | None:
        row = await self._session.get(DealRow, deal_id, with_for_update=True, populate_existing=True)
        if row is None:
            return None
        self._deals[deal_id] = row
        return deal_from_row(row)

    async def save_deal(self, deal: Deal) -> None:
        write_deal(self._deals[deal.id], deal)

    async def list_deals(self, where: DealFilter, after: tuple[datetime, str] | None, limit: int) -> list[Deal]:
        query = select(DealRow)
        if where.tenant_partner_ids is not None:
            query = query.where(col(DealRow.partner_id).in_(where.tenant_partner_ids))
        if where.tenant_vendor_id is not None:
            query = query.where(col(DealRow.vendor_id) == where.tenant_vendor_id)
        if where.status:
            query = query.where(col(DealRow.status) == str(where.status))
        if where.stage:
            query = query.where(col(DealRow.stage) == str(where.stage))
        if where.partner_id:
            query = query.where(col(DealRow.partner_id) == where.partner_id)
        if where.vendor_id:
            query = query.where(col(DealRow.vendor_id) == where.vendor_id)
        if where.updated_after:
            query = query.where(col(DealRow.updated_at) > where.updated_after)
        if after is not None:
            at, deal_id = after
            query = query.where(
                (col(DealRow.created_at) > at) | ((col(DealRow.created_at) == at) & (col(DealRow.id) > deal_id))
            )
        query = query.order_by(col(DealRow.created_at), col(DealRow.id)).limit(limit)
        return [deal_from_row(r) for r in (await self._session.exec(query)).all()]

    async def history(self, deal_id: str, after_id: int | None, limit: int) -> list[HistoryEntry]:
        query = select(DealHistoryRow).where(col(DealHistoryRow.deal_id) == deal_id)
        if after_id is not None:
            query = query.where(col(DealHistoryRow.id) > after_id)
        query = query.order_by(col(DealHistoryRow.id)).limit(limit)
        rows = (await self._session.exec(query)).all()
        return [HistoryEntry(id=r.id or 0, type=r.type, at=r.at, actor=r.actor, data=r.data) for r in rows]

    async def due_deals(self, kind: Literal["overdue", "lapsed"], now: datetime, limit: int) -> list[Deal]:
        if kind == "overdue":
            query = (
                select(DealRow)
                .where(
                    col(DealRow.status) == str(DealStatus.PENDING_APPROVAL),
                    col(DealRow.approval_overdue_at).is_(None),
                    col(DealRow.approval_due_at) <= now,
                )
                .order_by(col(DealRow.approval_due_at))
            )
        else:
            query = (
                select(DealRow)
                .where(col(DealRow.status) == str(DealStatus.APPROVED), col(DealRow.protection_expires_at) <= now)
                .order_by(col(DealRow.protection_expires_at))
            )
        rows = (await self._session.exec(query.limit(limit).with_for_update(skip_locked=True))).all()
        self._deals.update((r.id, r) for r in rows)
        return [deal_from_row(r) for r in rows]

    async def record_changes(self, history: Sequence[dict[str, Any]], events: Sequence[Outgoing]) -> None:
        self._session.add_all([DealHistoryRow(**h) for h in history])
        await self._session.flush()
        await enqueue(self._session, events)

    # --- vendor policies ---

    async def policy(self, vendor_id: str, *, lock: bool = False) -> StoredPolicy | None:
        if lock:
            await lock_name(self._session, f"approval-policy:{vendor_id}")
        row = await self._session.get(VendorPolicyRow, vendor_id, with_for_update=lock or None)
        return StoredPolicy(policy_from_row(row), row.version) if row is not None else None

    async def policies(self, vendor_ids: Iterable[str]) -> dict[str, ApprovalPolicy]:
        ids = sorted(set(vendor_ids))
        if not ids:
            return {}
        query = select(VendorPolicyRow).where(col(VendorPolicyRow.vendor_id).in_(ids))
        return {r.vendor_id: policy_from_row(r) for r in (await self._session.exec(query)).all()}

    async def save_policy(self, vendor_id: str, policy: ApprovalPolicy, version: int, now: datetime) -> None:
        row = await self._session.get(VendorPolicyRow, vendor_id)  # locked by policy(lock=True): from the map
        values = policy_values(policy)
        if row is None:
            row = VendorPolicyRow(vendor_id=vendor_id, created_at=now, updated_at=now, version=version, **values)
            self._session.add(row)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.updated_at = now
            row.version = version
        await self._session.flush()

    # --- partners ---

    async def partner_terms(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PartnerTerms]:
        wanted = sorted(set(pairs))
        if not wanted:
            return {}
        pair = tuple_(col(EnrollmentRow.partner_id), col(EnrollmentRow.vendor_id))
        rows = (await self._session.exec(select(EnrollmentRow).where(pair.in_(wanted)))).all()
        return {(r.partner_id, r.vendor_id): partner_terms_from_row(r) for r in rows}

    async def partner(self, partner_id: str) -> tuple[PartnerProfile, list[Enrolment]] | None:
        profile = await self._session.get(PartnerRow, partner_id)
        if profile is None:
            return None
        query = select(EnrollmentRow).where(col(EnrollmentRow.partner_id) == partner_id)
        rows = (await self._session.exec(query)).all()
        return profile_from_row(profile), [enrolment_from_row(r) for r in rows]

    async def lock_partner(
        self, partner_id: str, name: str, now: datetime
    ) -> tuple[PartnerProfile, dict[str, Enrolment]]:
        await self._session.execute(
            insert(_PROFILES)
            .values(id=partner_id, name=name, created_at=now, updated_at=now, version=0)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        profile = await self._session.get(PartnerRow, partner_id, with_for_update=True, populate_existing=True)
        assert profile is not None  # inserted above, or already there
        self._profiles[partner_id] = profile
        query = select(EnrollmentRow).where(col(EnrollmentRow.partner_id) == partner_id).with_for_update()
        rows = (await self._session.exec(query)).all()
        self._enrolments.update(((r.partner_id, r.vendor_id), r) for r in rows)
        return profile_from_row(profile), {r.vendor_id: enrolment_from_row(r) for r in rows}

    async def save_partner(
        self, profile: PartnerProfile, enrolments: Sequence[Enrolment], events: Sequence[Outgoing]
    ) -> None:
        row = self._profiles[profile.id]
        if row.version != profile.version:
            row.name, row.updated_at, row.version = profile.name, profile.updated_at, profile.version
        for e in enrolments:
            at = e.updated_at or profile.updated_at  # a written enrolment has its time
            found = self._enrolments.get((profile.id, e.vendor_id))
            if found is None:
                found = EnrollmentRow(
                    partner_id=profile.id, vendor_id=e.vendor_id, tier=e.terms.tier, active=True,
                    created_at=at, updated_at=at, version=e.version,
                )  # fmt: skip
                self._enrolments[(profile.id, e.vendor_id)] = found
                self._session.add(found)
            found.tier = e.terms.tier
            found.territory = e.terms.territory
            found.region = e.terms.region
            found.channel_manager = e.terms.channel_manager
            found.active = e.active
            found.version = e.version
            found.updated_at = at
        await self._session.flush()
        await enqueue(self._session, events)


def unit_of_work(sessions: async_sessionmaker[AsyncSession]) -> Callable[[], AbstractAsyncContextManager[SqlDealStore]]:
    """A transaction of its own with a SqlDealStore in it, committed when the block ends (the scheduler's)."""

    @asynccontextmanager
    async def transaction() -> AsyncIterator[SqlDealStore]:
        async with sessions() as session, session.begin():
            yield SqlDealStore(session)

    return transaction
