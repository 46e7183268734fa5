"""In-memory fakes of incentives' stores (service.ports), for the use cases' unit tests.

They keep the stores' promises that the rules rely on: an entry once per (deal, rule), a
budget account never below zero (the database's CHECK), the program of record set by a
deal's first entries, an enrolment replaced only by a higher version, an entry paid once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from incentives.domain.accrual import DealRewardState
from incentives.domain.ledger import LedgerLine, Transfer, entries, may_overdraw, program_budget_account
from incentives.domain.payouts import Payout
from incentives.domain.policy import PartnerHistory
from incentives.domain.programs import Program
from incentives.service.ports import (
    DealClose,
    EntryValues,
    LedgerEntry,
    LedgerFilter,
    LedgerScope,
    Outgoing,
    PolicyRecord,
    ProgramRecord,
    ProgramScope,
    ProposalRecord,
)
from incentives.service.programs import record_of

_ZERO = Decimal("0.00")
T0 = datetime(2026, 11, 1, tzinfo=UTC)


class Overdrawn(Exception):
    """What the database's CHECK on a non-negative account raises."""


class _Ledger:
    """Accounts and transfers, shared by both fakes."""

    def __init__(self) -> None:
        self.accounts: dict[str, Decimal] = {}
        self.non_negative: set[str] = set()
        self.transfers: list[Transfer] = []

    def open(self, account: str, *, non_negative: bool) -> None:
        if account not in self.accounts:
            self.accounts[account] = _ZERO
            if non_negative:
                self.non_negative.add(account)

    def post(self, transfer: Transfer) -> None:
        for leg in entries(transfer):
            self.open(leg.account, non_negative=not may_overdraw(leg.account))
            self.accounts[leg.account] += leg.amount
            if leg.account in self.non_negative and self.accounts[leg.account] < 0:
                raise Overdrawn(leg.account)
        self.transfers.append(transfer)


class FakeRewardStore:
    """service.ports.RewardStore in memory."""

    def __init__(self, ledger: _Ledger | None = None) -> None:
        self.ledger = ledger or _Ledger()
        self.programs: dict[str, ProgramRecord] = {}
        self.recorded: dict[str, str] = {}
        self.entries: dict[tuple[str, str], EntryValues] = {}
        self.outbox: list[Outgoing] = []
        self.closes: dict[str, DealClose] = {}
        self.writes = 0

    def add_program(self, program: Program, *, budget: Decimal | None) -> None:
        """A program as the API stores it: its budget account funded (or unlimited)."""
        self.programs[program.id] = record_of(program, budget=budget, now=T0)
        account = program_budget_account(program.id)
        self.ledger.open(account, non_negative=budget is not None)
        if budget is not None:
            self.ledger.accounts[account] = budget

    async def record_closes(self, closes: Sequence[DealClose]) -> None:
        for close in closes:
            self.closes.setdefault(close.deal_id, close)

    async def programs_of(self, vendor_ids: set[str]) -> list[ProgramRecord]:
        return [r for r in self.programs.values() if r.program.vendor_id in vendor_ids]

    async def recorded_programs(self, deal_ids: set[str]) -> dict[str, str]:
        return {d: p for d, p in self.recorded.items() if d in deal_ids}

    async def lock_accounts(self, accounts: set[str]) -> dict[str, Decimal]:
        return {a: self.ledger.accounts[a] for a in sorted(accounts) if a in self.ledger.accounts}

    async def ensure_accounts(self, accounts: Mapping[str, tuple[str, bool]]) -> None:
        for account, (_, non_negative) in accounts.items():
            self.ledger.open(account, non_negative=non_negative)

    async def deal_states(self, deal_ids: set[str]) -> dict[str, DealRewardState]:
        states: dict[str, DealRewardState] = {}
        for (deal_id, rule_key), entry in self.entries.items():
            if deal_id in deal_ids:
                state = states.get(deal_id, DealRewardState())
                states[deal_id] = DealRewardState(state.earned_keys | {rule_key}, state.net_granted + entry.amount)
        return states

    async def write_batch(
        self, transfers: Sequence[Transfer], rows: Sequence[EntryValues], outgoing: Sequence[Outgoing], now: datetime
    ) -> int:
        """All or nothing, as the one statement is."""
        before = (dict(self.ledger.accounts), list(self.ledger.transfers))
        try:
            for transfer in transfers:
                self.ledger.post(transfer)
        except Overdrawn:
            self.ledger.accounts, self.ledger.transfers = before
            raise
        new = 0
        for row in rows:
            self.recorded.setdefault(row.deal_id, row.program_id)
            if self.recorded[row.deal_id] != row.program_id:
                self.ledger.accounts, self.ledger.transfers = before
                raise ValueError("an entry of another program than the deal's program of record")
            if (row.deal_id, row.rule_key) not in self.entries:
                self.entries[(row.deal_id, row.rule_key)] = row
                new += 1
        self.outbox.extend(outgoing)
        self.writes += 1
        return new


class FakeIncentivesStore:
    """service.ports.IncentivesStore in memory."""

    def __init__(self) -> None:
        self.ledger = _Ledger()
        self.programs: dict[str, ProgramRecord] = {}
        self.entries: list[LedgerEntry] = []
        self.paid: dict[str, str] = {}  # entry id -> payout id
        self.payouts: dict[str, Payout] = {}
        self.outbox: list[tuple[str, str | None, CloudEvent]] = []
        self.policies: dict[str, PolicyRecord] = {}
        self.proposals: dict[str, ProposalRecord] = {}
        self.enrolments: dict[tuple[str, str], PartnerEnrolmentData] = {}
        self.closes: list[DealClose] = []

    # Setup helpers

    def enrol(self, partner_id: str, vendor_id: str, tier: int = 1, version: int = 1) -> None:
        self.enrolments[(partner_id, vendor_id)] = PartnerEnrolmentData(
            partner_id=partner_id, vendor_id=vendor_id, tier=tier, version=version, updated_at=T0
        )

    def book(self, **fields: Any) -> LedgerEntry:
        """A ledger entry as the deal-event path would have booked it."""
        values: dict[str, Any] = {
            "id": f"entry-{len(self.entries) + 1}",
            "deal_id": "deal-1",
            "rep_id": "rep-1",
            "partner_id": "p-100",
            "vendor_id": "acme",
            "program_id": "prog-1",
            "kind": "registration",
            "stage": None,
            "rule_key": "registration",
            "amount": Decimal("100.00"),
            "requested": Decimal("100.00"),
            "cut": _ZERO,
            "cut_reason": None,
            "currency": "USD",
            "event_id": "evt-1",
            "transfer_id": None,
            "seq": len(self.entries) + 1,
            "created_at": T0,
        }
        values.update(fields)
        entry = LedgerEntry(**values)
        self.entries.append(entry)
        return entry

    # Programs

    async def lock_vendor_programs(self, vendor_id: str) -> None:
        return None

    async def programs_of_vendor(self, vendor_id: str) -> list[ProgramRecord]:
        return [r for r in self.programs.values() if r.program.vendor_id == vendor_id]

    async def program(self, program_id: str, *, lock: bool = False) -> ProgramRecord | None:
        return self.programs.get(program_id)

    async def add_program(self, record: ProgramRecord) -> None:
        assert record.program.id not in self.programs
        self.programs[record.program.id] = record

    async def change_program(self, program_id: str, *, name: str | None, ends_on: date | None) -> ProgramRecord:
        record = self.programs[program_id]
        program = dataclasses.replace(
            record.program, name=name or record.program.name, ends_on=ends_on or record.program.ends_on
        )
        changed = dataclasses.replace(record, program=program, version=record.version + 1)
        self.programs[program_id] = changed
        return changed

    async def list_programs(
        self, scope: ProgramScope, after: tuple[date, str] | None, limit: int
    ) -> list[ProgramRecord]:
        found = []
        for record in sorted(self.programs.values(), key=lambda r: (r.program.starts_on, r.program.id)):
            p = record.program
            if scope.vendor_id is not None and p.vendor_id != scope.vendor_id:
                continue
            if scope.own_vendor is not None and p.vendor_id != scope.own_vendor:
                continue
            if scope.partner_ids is not None and not (
                await self.is_enrolled(scope.partner_ids, p.vendor_id)
                and (p.partner_id is None or p.partner_id in scope.partner_ids)
            ):
                continue
            if after is not None and (p.starts_on, p.id) <= after:
                continue
            found.append(record)
        return found[:limit]

    async def is_enrolled(self, partner_ids: Sequence[str], vendor_id: str) -> bool:
        return any((p, vendor_id) in self.enrolments for p in partner_ids)

    # The ledger

    async def open_account(self, account: str, currency: str, *, non_negative: bool) -> None:
        self.ledger.open(account, non_negative=non_negative)

    async def balance(self, account: str) -> Decimal | None:
        return self.ledger.accounts.get(account)

    async def post_transfer(self, transfer: Transfer, now: datetime) -> None:
        self.ledger.post(transfer)

    def _visible(self, scope: LedgerScope, entry: LedgerEntry) -> bool:
        if scope.everything:
            return True
        if scope.vendor_id is not None:
            return entry.vendor_id == scope.vendor_id
        return entry.partner_id in scope.partner_ids

    async def ledger_page(
        self, scope: LedgerScope, where: LedgerFilter, after_seq: int | None, limit: int
    ) -> list[LedgerEntry]:
        found = [
            e
            for e in self.entries
            if self._visible(scope, e)
            and all(value is None or getattr(e, name) == value for name, value in dataclasses.asdict(where).items())
            and (after_seq is None or e.seq > after_seq)
        ]
        return found[:limit]

    async def deal_entries(self, deal_id: str) -> list[LedgerEntry]:
        return [e for e in self.entries if e.deal_id == deal_id]

    def _line(self, e: LedgerEntry) -> LedgerLine:
        return e.line(self.paid.get(e.id))

    async def rep_lines(self, rep_id: str, scope: LedgerScope) -> list[LedgerLine]:
        return [self._line(e) for e in self.entries if e.rep_id == rep_id and self._visible(scope, e)]

    # Payouts

    async def lock_vendor_payouts(self, vendor_id: str) -> None:
        return None

    async def unpaid_lines(self, vendor_id: str, up_to: datetime) -> list[LedgerLine]:
        return [
            self._line(e)
            for e in self.entries
            if e.vendor_id == vendor_id and e.created_at <= up_to and e.id not in self.paid and e.amount != 0
        ]

    async def add_payout(self, payout: Payout, entry_ids: Sequence[str]) -> None:
        for entry_id in entry_ids:
            assert entry_id not in self.paid, "an entry paid twice"
            self.paid[entry_id] = payout.id
        self.payouts[payout.id] = payout

    async def payout(self, payout_id: str) -> Payout | None:
        payout = self.payouts.get(payout_id)
        if payout is None:
            return None
        return dataclasses.replace(payout, lines=tuple(sorted(payout.lines, key=lambda x: (x.rep_id, x.partner_id))))

    async def enqueue(self, outgoing: Sequence[tuple[str, str | None, CloudEvent]]) -> None:
        self.outbox.extend(outgoing)

    # Policies and proposals

    async def lock_policy(self, vendor_id: str) -> PolicyRecord | None:
        return self.policies.get(vendor_id)

    async def policy(self, vendor_id: str) -> PolicyRecord | None:
        return self.policies.get(vendor_id)

    async def save_policy(self, record: PolicyRecord) -> None:
        self.policies[record.vendor_id] = record

    async def enrolled_tier(self, partner_id: str, vendor_id: str) -> int | None:
        found = self.enrolments.get((partner_id, vendor_id))
        return found.tier if found is not None else None

    async def partner_history(self, partner_id: str, vendor_id: str, currency: str) -> PartnerHistory:
        mine = [c for c in self.closes if (c.partner_id, c.vendor_id) == (partner_id, vendor_id)]
        return PartnerHistory(closed=len(mine), won=sum(1 for c in mine if c.outcome == "won"))

    async def add_proposal(self, record: ProposalRecord) -> None:
        self.proposals[record.id] = dataclasses.replace(record)

    async def proposal(self, proposal_id: str, *, lock: bool = False) -> ProposalRecord | None:
        found = self.proposals.get(proposal_id)
        return dataclasses.replace(found) if found is not None else None

    async def save_proposal(self, record: ProposalRecord) -> None:
        self.proposals[record.id] = dataclasses.replace(record)

    # Enrolments

    async def keep_enrolment(self, data: PartnerEnrolmentData) -> None:
        key = (data.partner_id, data.vendor_id)
        kept = self.enrolments.get(key)
        if kept is None or kept.version < data.version:
            self.enrolments[key] = data
