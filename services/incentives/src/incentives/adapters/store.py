"""service.ports.IncentivesStore on the request's (or consumer's) SQLAlchemy session.

Every statement of programs, the ledger's reads, payouts, policies, proposals and enrolments
is here; the session's transaction is the caller's (a keyed POST's idempotency claim commits
with its effect). Double-entry transfers: balances live on `ledger_accounts` rows; a budget
row is created non-negative, so its CHECK refuses any overdraft even if a caller forgot the lock.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import false, select, text, true, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from events.envelope import CloudEvent
from events.outbox import enqueue
from events.schemas import PartnerEnrolmentData
from incentives.adapters.tables import (
    PROGRAM_COLUMNS,
    AccountRow,
    EnrolmentRow,
    EntryRow,
    LedgerEntryRow,
    PayoutItemRow,
    PayoutLineRow,
    PayoutRow,
    ProgramRow,
    ProposalRow,
    TransferRow,
    VendorPolicyRow,
    to_record,
)
from incentives.domain.ledger import LedgerLine, Transfer, entries, may_overdraw
from incentives.domain.payouts import Payout, PayoutLine
from incentives.domain.policy import POLICY_FIELDS, PartnerHistory
from incentives.service.ports import (
    LedgerEntry,
    LedgerFilter,
    LedgerScope,
    PolicyRecord,
    ProgramRecord,
    ProgramScope,
    ProposalRecord,
)
from servicekit.db import lock_name

_PROPOSAL_FIELDS = tuple(ProposalRecord.__dataclass_fields__)
_ENTRY_FIELDS = tuple(LedgerEntry.__dataclass_fields__)
_PAYOUT_FIELDS = ("id", "vendor_id", "up_to", "currency", "total", "created_at")


def _visible(scope: LedgerScope) -> ColumnElement[bool]:
    """The SQL filter of what a caller may see (service.ledger.scope_of decides the scope)."""
    if scope.everything:
        return true()
    if scope.vendor_id is not None:
        return col(LedgerEntryRow.vendor_id) == scope.vendor_id
    if len(scope.partner_ids) == 1:
        return col(LedgerEntryRow.partner_id) == scope.partner_ids[0]
    if scope.partner_ids:
        return col(LedgerEntryRow.partner_id).in_(scope.partner_ids)
    return false()


def _entry(row: LedgerEntryRow) -> LedgerEntry:
    return LedgerEntry(**{name: getattr(row, name) for name in _ENTRY_FIELDS})


def _policy(row: VendorPolicyRow) -> PolicyRecord:
    return PolicyRecord(
        vendor_id=row.vendor_id,
        values={name: getattr(row, name) for name in POLICY_FIELDS},
        version=row.version,
        updated_at=row.updated_at,
    )


def _proposal(row: ProposalRow) -> ProposalRecord:
    return ProposalRecord(**{name: getattr(row, name) for name in _PROPOSAL_FIELDS})


class PgStore:
    """All of incentives' storage but the deal-event hot path (adapters.reward_store)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._locked_policies: dict[str, VendorPolicyRow] = {}

    # Programs

    async def lock_vendor_programs(self, vendor_id: str) -> None:
        await lock_name(self._session, f"programs:{vendor_id}")

    async def programs_of_vendor(self, vendor_id: str) -> list[ProgramRecord]:
        rows = (await self._session.execute(select(ProgramRow).where(col(ProgramRow.vendor_id) == vendor_id))).scalars()
        return [to_record(row) for row in rows.all()]

    async def program(self, program_id: str, *, lock: bool = False) -> ProgramRecord | None:
        if lock:
            row = await self._session.get(ProgramRow, program_id, with_for_update=True, populate_existing=True)
        else:
            row = await self._session.get(ProgramRow, program_id)
        return to_record(row) if row is not None else None

    async def add_program(self, record: ProgramRecord) -> None:
        program = record.program
        self._session.add(
            ProgramRow(
                **{name: getattr(program, name) for name in PROGRAM_COLUMNS},
                **{name: getattr(record, name) for name in ("budget", "created_at", "version")},
                registration_reward_pct=program.registration_reward_pct,
                pay_registration_on=str(program.pay_registration_on),
                stage_bonuses=dict(record.stage_bonuses),
                close_won_pct=program.close_won_pct,
                clawback_on_reject=program.clawback_on_reject,
                tier_multipliers=dict(record.tier_multipliers),
                cap_per_deal=program.cap_per_deal,
            )
        )
        await self._session.flush()

    async def change_program(self, program_id: str, *, name: str | None, ends_on: date | None) -> ProgramRecord:
        row = await self._session.get(ProgramRow, program_id)  # the locked row, from the identity map
        if row is None:
            raise LookupError(program_id)
        if ends_on is not None:
            row.ends_on = ends_on
        if name is not None:
            row.name = name
        row.version += 1
        self._session.add(row)
        await self._session.flush()
        return to_record(row)

    async def list_programs(
        self, scope: ProgramScope, after: tuple[date, str] | None, limit: int
    ) -> list[ProgramRecord]:
        query = select(ProgramRow)
        if scope.vendor_id is not None:
            query = query.where(col(ProgramRow.vendor_id) == scope.vendor_id)
        if scope.own_vendor is not None:
            query = query.where(col(ProgramRow.vendor_id) == scope.own_vendor)
        if scope.partner_ids is not None:
            # In SQL, not after the fetch: a filtered page would end the pagination early.
            partners = list(scope.partner_ids)
            enrolled = select(col(EnrolmentRow.vendor_id)).where(col(EnrolmentRow.partner_id).in_(partners))
            query = query.where(
                col(ProgramRow.vendor_id).in_(enrolled),
                col(ProgramRow.partner_id).is_(None) | col(ProgramRow.partner_id).in_(partners),
            )
        if after is not None:
            starts_on, program_id = after
            query = query.where(
                (col(ProgramRow.starts_on) > starts_on)
                | ((col(ProgramRow.starts_on) == starts_on) & (col(ProgramRow.id) > program_id))
            )
        query = query.order_by(col(ProgramRow.starts_on), col(ProgramRow.id)).limit(limit)
        return [to_record(row) for row in (await self._session.execute(query)).scalars().all()]

    async def is_enrolled(self, partner_ids: Sequence[str], vendor_id: str) -> bool:
        found = await self._session.execute(
            select(col(EnrolmentRow.vendor_id))
            .where(col(EnrolmentRow.partner_id).in_(list(partner_ids)), col(EnrolmentRow.vendor_id) == vendor_id)
            .limit(1)
        )
        return found.first() is not None

    # The ledger

    async def open_account(self, account: str, currency: str, *, non_negative: bool) -> None:
        await self._session.execute(
            insert(AccountRow)
            .values(id=account, currency=currency, balance=Decimal("0.00"), non_negative=non_negative)
            .on_conflict_do_nothing(index_elements=["id"])
        )

    async def balance(self, account: str) -> Decimal | None:
        result = await self._session.execute(select(col(AccountRow.balance)).where(col(AccountRow.id) == account))
        return result.scalar_one_or_none()

    async def post_transfer(self, transfer: Transfer, now: datetime) -> None:
        """Append the transfer and its two postings and move the balances, in the caller's transaction."""
        for account in (transfer.debit_account, transfer.credit_account):
            await self.open_account(account, transfer.currency, non_negative=not may_overdraw(account))
        # The rows are the transfer and its entries as they are (the kind as its text), stamped `now`.
        row = {**dataclasses.asdict(transfer), "kind": str(transfer.kind), "created_at": now}
        await self._session.execute(insert(TransferRow).values(row))
        for entry in entries(transfer):
            await self._session.execute(insert(EntryRow).values(**dataclasses.asdict(entry), created_at=now))
            await self._session.execute(
                update(AccountRow)
                .where(col(AccountRow.id) == entry.account)
                .values(balance=col(AccountRow.balance) + entry.amount)
            )

    async def ledger_page(
        self, scope: LedgerScope, where: LedgerFilter, after_seq: int | None, limit: int
    ) -> list[LedgerEntry]:
        query = select(LedgerEntryRow).where(_visible(scope))
        for column, value in (
            (LedgerEntryRow.rep_id, where.rep_id),
            (LedgerEntryRow.partner_id, where.partner_id),
            (LedgerEntryRow.deal_id, where.deal_id),
            (LedgerEntryRow.program_id, where.program_id),
        ):
            if value is not None:
                query = query.where(col(column) == value)
        if after_seq is not None:
            query = query.where(col(LedgerEntryRow.seq) > after_seq)
        query = query.order_by(col(LedgerEntryRow.seq)).limit(limit)
        return [_entry(row) for row in (await self._session.execute(query)).scalars().all()]

    async def deal_entries(self, deal_id: str) -> list[LedgerEntry]:
        query = select(LedgerEntryRow).where(col(LedgerEntryRow.deal_id) == deal_id).order_by(col(LedgerEntryRow.seq))
        return [_entry(row) for row in (await self._session.execute(query)).scalars().all()]

    async def _lines_where(self, *conditions: Any) -> list[LedgerLine]:
        """Ledger lines matching the conditions, with the payout that settled each (if any)."""
        query = (
            select(LedgerEntryRow, col(PayoutItemRow.payout_id))
            .outerjoin(PayoutItemRow, col(PayoutItemRow.entry_id) == col(LedgerEntryRow.id))
            .where(*conditions)
            .order_by(col(LedgerEntryRow.seq))
        )
        return [_entry(row).line(payout_id) for row, payout_id in (await self._session.execute(query)).all()]

    async def rep_lines(self, rep_id: str, scope: LedgerScope) -> list[LedgerLine]:
        return await self._lines_where(col(LedgerEntryRow.rep_id) == rep_id, _visible(scope))

    # Payouts

    async def lock_vendor_payouts(self, vendor_id: str) -> None:
        await lock_name(self._session, f"payout:{vendor_id}")

    async def unpaid_lines(self, vendor_id: str, up_to: datetime) -> list[LedgerLine]:
        return await self._lines_where(
            col(LedgerEntryRow.vendor_id) == vendor_id,
            col(LedgerEntryRow.created_at) <= up_to,
            col(PayoutItemRow.entry_id).is_(None),
            col(LedgerEntryRow.amount) != 0,
        )

    async def add_payout(self, payout: Payout, entry_ids: Sequence[str]) -> None:
        """The payout, its lines and the entries it settles (payout_items' key refuses a second payout)."""
        self._session.add(PayoutRow(**{name: getattr(payout, name) for name in _PAYOUT_FIELDS}))
        await self._session.flush()
        for line in payout.lines:
            self._session.add(PayoutLineRow(payout_id=payout.id, **dataclasses.asdict(line)))
        await self._session.flush()
        await self._session.execute(
            insert(PayoutItemRow).values([{"entry_id": e, "payout_id": payout.id} for e in entry_ids])
        )

    async def payout(self, payout_id: str) -> Payout | None:
        row = await self._session.get(PayoutRow, payout_id)
        if row is None:
            return None
        query = (
            select(PayoutLineRow)
            .where(col(PayoutLineRow.payout_id) == payout_id)
            .order_by(col(PayoutLineRow.rep_id), col(PayoutLineRow.partner_id))
        )
        lines = (await self._session.execute(query)).scalars().all()
        return Payout(
            **{name: getattr(row, name) for name in _PAYOUT_FIELDS},
            lines=tuple(PayoutLine(x.rep_id, x.partner_id, x.amount, x.entry_count) for x in lines),
        )

    async def enqueue(self, outgoing: Sequence[tuple[str, str | None, CloudEvent]]) -> None:
        await enqueue(self._session, outgoing)

    # Policies and proposals

    async def lock_policy(self, vendor_id: str) -> PolicyRecord | None:
        # Serialises the first PUT of a vendor too, when there is no row to lock yet.
        await lock_name(self._session, f"incentive-policy:{vendor_id}")
        row = await self._session.get(VendorPolicyRow, vendor_id, with_for_update=True, populate_existing=True)
        if row is None:
            return None
        self._locked_policies[vendor_id] = row
        return _policy(row)

    async def policy(self, vendor_id: str) -> PolicyRecord | None:
        row = await self._session.get(VendorPolicyRow, vendor_id)
        return _policy(row) if row is not None else None

    async def save_policy(self, record: PolicyRecord) -> None:
        row = self._locked_policies.get(record.vendor_id)
        if row is None:  # the vendor's first policy (every column is set below)
            row = VendorPolicyRow(
                vendor_id=record.vendor_id, min_roi=Decimal(0), version=record.version, updated_at=record.updated_at
            )
        for name, value in record.values.items():
            setattr(row, name, value)
        row.version = record.version
        row.updated_at = record.updated_at
        self._session.add(row)
        await self._session.flush()

    async def enrolled_tier(self, partner_id: str, vendor_id: str) -> int | None:
        row = await self._session.get(EnrolmentRow, (partner_id, vendor_id))
        return row.tier if row is not None else None

    async def partner_history(self, partner_id: str, vendor_id: str, currency: str) -> PartnerHistory:
        """The partner's closed deals with the vendor (averages of won amounts in `currency` only)."""
        row = (
            await self._session.execute(
                text(
                    "SELECT count(*), count(*) FILTER (WHERE outcome = 'won'), "
                    "avg(amount) FILTER (WHERE outcome = 'won' AND currency = :currency), avg(margin_pct) "
                    "FROM deal_closes WHERE partner_id = :partner AND vendor_id = :vendor"
                ),
                {"partner": partner_id, "vendor": vendor_id, "currency": currency},
            )
        ).one()
        closed, won, avg_amount, avg_margin = row
        return PartnerHistory(
            closed=closed,
            won=won,
            avg_won_amount=Decimal(avg_amount).quantize(Decimal("0.01")) if avg_amount is not None else None,
            avg_margin_pct=Decimal(avg_margin).quantize(Decimal("0.0001")) if avg_margin is not None else None,
        )

    async def add_proposal(self, record: ProposalRecord) -> None:
        self._session.add(ProposalRow(**{name: getattr(record, name) for name in _PROPOSAL_FIELDS}))
        await self._session.flush()

    async def proposal(self, proposal_id: str, *, lock: bool = False) -> ProposalRecord | None:
        row = await self._session.get(ProposalRow, proposal_id, with_for_update=True if lock else None)
        return _proposal(row) if row is not None else None

    async def save_proposal(self, record: ProposalRecord) -> None:
        row = await self._session.get(ProposalRow, record.id)  # the locked row, from the identity map
        if row is None:
            raise LookupError(record.id)
        for name in ("status", "program_id", "decided_at", "version"):
            setattr(row, name, getattr(record, name))
        self._session.add(row)
        await self._session.flush()

    # Enrolments

    async def keep_enrolment(self, data: PartnerEnrolmentData) -> None:
        values = {
            "partner_id": data.partner_id,
            "vendor_id": data.vendor_id,
            "name": data.name,
            "tier": data.tier,
            "territory": data.territory,
            "region": data.region,
            "channel_manager": data.channel_manager,
            "version": data.version,
            "updated_at": data.updated_at,
        }
        statement = insert(EnrolmentRow).values(**values)
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["partner_id", "vendor_id"],
                set_={k: statement.excluded[k] for k in values if k not in ("partner_id", "vendor_id")},
                where=col(EnrolmentRow.version) < statement.excluded.version,
            )
        )
