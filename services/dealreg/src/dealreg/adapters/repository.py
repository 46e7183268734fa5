"""dealreg's queries: every lookup is by key or by an index, never a scan of deals."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.tables import DealHistoryRow, DealRow, PartnerRow, VendorPolicyRow
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import ACTIVE_STATUSES, DealStatus
from events.tables import OUTBOX_CHANNEL, OutboxRow

_ACTIVE = [str(s) for s in ACTIVE_STATUSES]
_HISTORY = ("deal_id", "type", "at", "actor", "data")
_OUTBOX = ("event_id", "topic", "key", "payload", "traceparent")
_CANDIDATE_COLUMNS = (
    DealRow.id,
    DealRow.vendor_id,
    DealRow.partner_id,
    DealRow.status,
    DealRow.customer_domain_key,
    DealRow.customer_name_key,
    DealRow.skus,
    DealRow.created_at,
)


def customer_lock_ids(vendor_id: str, keys: CustomerKeys) -> list[int]:
    """The advisory-lock ids of one vendor's customer, sorted: locks are always taken in this order."""
    return sorted({zlib.crc32(f"dealreg:{vendor_id}|{key}".encode()) for key in keys.index_keys()})


def _lock_column(lock_ids: list[int]) -> sa.ScalarSelect[int]:
    """A scalar subquery taking the locks in ascending order (so two keys never deadlock)."""
    ordered = sa.select(sa.func.unnest(sa.bindparam("ks", lock_ids, type_=ARRAY(sa.BigInteger))).label("k"))
    ordered_sq = ordered.order_by(sa.literal_column("k")).subquery("ordered")
    return sa.select(sa.func.count(sa.func.pg_advisory_xact_lock(ordered_sq.c.k))).scalar_subquery()


async def lock_customer_with_lookups(
    session: AsyncSession, vendor_id: str, keys: CustomerKeys, partner_id: str
) -> tuple[PartnerRow, VendorPolicyRow | None] | None:
    """One round trip: the customer's advisory locks, the partner profile and the vendor policy.

    None (and no lock) when the partner has no profile: the registration is refused anyway.
    The conflict-candidate read must be a later statement, so its snapshot follows the locks.
    """
    query = (
        sa.select(PartnerRow, VendorPolicyRow, _lock_column(customer_lock_ids(vendor_id, keys)).label("locked"))
        .select_from(PartnerRow)
        .outerjoin(VendorPolicyRow, col(VendorPolicyRow.vendor_id) == vendor_id)
        .where(col(PartnerRow.id) == partner_id)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def lock_customer_only(session: AsyncSession, vendor_id: str, keys: CustomerKeys) -> None:
    lock_ids = customer_lock_ids(vendor_id, keys)
    if lock_ids:
        await session.execute(sa.select(_lock_column(lock_ids)))


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


async def active_candidate_keys(session: AsyncSession, vendor_id: str, keys: CustomerKeys) -> Sequence[sa.Row[Any]]:
    """Active deals of the vendor with the same domain key or name key (two partial indexes); only the
    columns the matcher needs (no ORM rows on the hot path)."""
    matches = []
    if keys.domain:
        matches.append(col(DealRow.customer_domain_key) == keys.domain)
    if keys.name:
        matches.append(col(DealRow.customer_name_key) == keys.name)
    if not matches:
        return []
    query = sa.select(*(col(c) for c in _CANDIDATE_COLUMNS)).where(
        col(DealRow.vendor_id) == vendor_id, col(DealRow.status).in_(_ACTIVE), sa.or_(*matches)
    )
    return (await session.execute(query)).all()


def _placeholders(table: sa.Table, prefix: str, names: Sequence[str]) -> dict[str, sa.BindParameter[Any]]:
    return {name: sa.bindparam(f"{prefix}{name}", type_=table.c[name].type) for name in names}


@functools.cache
def _registration_insert(deal_columns: tuple[str, ...], changes: int) -> sa.Select[Any]:
    """The insert for a deal with `changes` history/outbox rows, built (and so compiled) once per shape."""
    deals: sa.Table = DealRow.__table__  # type: ignore[attr-defined]
    history: sa.Table = DealHistoryRow.__table__  # type: ignore[attr-defined]
    outbox: sa.Table = OutboxRow.__table__  # type: ignore[attr-defined]
    deal_cte = sa.insert(deals).values(_placeholders(deals, "d_", deal_columns)).cte("new_deal")
    history_rows = [_placeholders(history, f"h{i}_", _HISTORY) for i in range(changes)]
    outbox_rows = [_placeholders(outbox, f"o{i}_", _OUTBOX) for i in range(changes)]
    history_cte = sa.insert(history).values(history_rows).cte("new_history")
    outbox_cte = sa.insert(outbox).values(outbox_rows).cte("new_outbox")
    return sa.select(sa.func.pg_notify(OUTBOX_CHANNEL, "")).add_cte(deal_cte, history_cte, outbox_cte)


async def insert_registration(
    session: AsyncSession,
    deal_values: dict[str, Any],
    history: Sequence[dict[str, Any]],
    outbox: Sequence[dict[str, Any]],
) -> None:
    """Deal, history rows and outbox rows, then NOTIFY the relay: one statement, one round trip.

    Data-modifying CTEs all run; the multi-row VALUES keep history and outbox ids in change order.
    """
    assert len(history) == len(outbox)
    params = {f"d_{k}": v for k, v in deal_values.items()}
    for i, (h, o) in enumerate(zip(history, outbox, strict=True)):
        params.update({f"h{i}_{k}": h[k] for k in _HISTORY})
        params.update({f"o{i}_{k}": o[k] for k in _OUTBOX})
    await session.execute(_registration_insert(tuple(sorted(deal_values)), len(history)), params)


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
