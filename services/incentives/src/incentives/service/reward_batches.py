"""Deal events applied a poll at a time: rewards.on_deal_event's rules and ledger, set-based.

One transaction per batch (the consumer's), its statements sent on the raw asyncpg
connection (ledger_bulk). The programs are read, then the budgets the batch books against
are locked in id order; every payable the batch may touch is locked once, in id order
(two consumers never deadlock, and never spend the same remainder of a budget); every
deal's reward state is read in one query. Then the pure domain runs per event in delivery
order, carrying each deal's state and each budget's balance forward in memory, and one
statement writes everything (ledger, entries, outbox). A PoisonEvent or any other failure
here aborts the whole batch: the consumer then replays it record by record through
on_deal_event, which isolates the bad event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import structlog
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchItem
from events.consumer import PoisonEvent
from events.schemas import DealEventData
from events.topics import TopicNames
from incentives.adapters.tables import ProgramRow
from incentives.domain import programs as domain
from incentives.domain.accrual import DealRewardState, accrue_event
from incentives.domain.deals import DealEventType
from incentives.domain.ledger import (
    Transfer,
    entries,
    program_budget_account,
    rep_payable_account,
    reward_id,
    transfer_for_grant,
)
from incentives.domain.rules import CurrencyMismatch
from incentives.service.ledger_bulk import (
    EntryValues,
    Outgoing,
    deal_states,
    ensure_accounts,
    entry_values,
    lock_accounts,
    programs_of,
    raw_connection,
    record_closes,
    recorded_programs,
    write_batch,
)
from incentives.service.programs import UNLIMITED, to_domain
from incentives.service.rewards import close_values, deal_facts, reward_event

log = structlog.get_logger("incentives.rewards")


@dataclass(frozen=True)
class _Planned:
    item: BatchItem
    deal: DealEventData
    program: domain.Program
    budgeted: bool


class _Programs:
    """The programs of a batch's vendors, chosen per deal from memory."""

    def __init__(self, rows: Sequence[ProgramRow]) -> None:
        self._by_vendor: dict[str, list[tuple[domain.Program, ProgramRow]]] = {}
        for row in rows:
            self._by_vendor.setdefault(row.vendor_id, []).append((to_domain(row), row))
        self._by_id = {row.id: (program, row) for pairs in self._by_vendor.values() for program, row in pairs}

    def for_deal(
        self, recorded_id: str | None, vendor_id: str, partner_id: str, registered_at: datetime
    ) -> tuple[domain.Program, ProgramRow] | None:
        """The deal's program of record, else the one active at its registration."""
        candidates = [p for p, _ in self._by_vendor.get(vendor_id, [])]
        chosen = domain.program_of_record(recorded_id, candidates, vendor_id, partner_id, registered_at)
        return self._by_id.get(chosen.id) if chosen is not None else None


async def on_deal_events(session: AsyncSession, items: Sequence[BatchItem], topics: TopicNames) -> None:
    """Apply a batch of new deal events (claimed, distinct, in delivery order per deal)."""
    parsed = [(item, DealEventData.model_validate(item.event.data)) for item in items]
    con = await raw_connection(session)
    # Lock first, read the deals' state after (a statement of its own: one statement sees one
    # snapshot, taken before any lock wait): whatever another consumer committed before we got
    # the locks is seen, and nobody books against these budgets until we commit.
    # Budgets before reps' accounts, each set in id order, as the per-event path does:
    # whoever holds a rep's account already holds every budget it needs (no deadlock).
    # Payables are ensured after the budgets are locked and before any payable is locked.
    closes = [close_values(d, item.event.time) for item, d in parsed if item.event.type == DealEventType.DEAL_CLOSED]
    await record_closes(con, [c for c in closes if c is not None])
    programs = _Programs(await programs_of(con, {d.vendor_id for _, d in parsed}))
    recorded = await recorded_programs(con, {d.id for _, d in parsed})
    plan: list[_Planned] = []
    for item, deal in parsed:
        found = programs.for_deal(recorded.get(deal.id), deal.vendor_id, deal.partner_id, deal.created_at)
        if found is None:
            continue
        # Until its first reward books, a deal's later events in this batch see the same choice.
        recorded.setdefault(deal.id, found[0].id)
        program, row = found
        if deal.partner.tier not in program.tier_multipliers:
            raise PoisonEvent(f"program {program.id} has no multiplier for tier {deal.partner.tier}")
        plan.append(_Planned(item, deal, program, row.budget is not None))
    if not plan:
        return

    budgets = {program_budget_account(p.program.id) for p in plan}
    balances = await lock_accounts(con, budgets)
    missing = sorted(budgets - balances.keys())
    if missing:
        raise PoisonEvent(f"no budget account: {', '.join(missing)}")
    payables = {rep_payable_account(p.deal.rep.id): (p.program.currency, False) for p in plan}
    await ensure_accounts(con, payables)
    balances.update(await lock_accounts(con, payables))
    states = await deal_states(con, {p.deal.id for p in plan})

    now = datetime.now(UTC)
    transfers: list[Transfer] = []
    rows: list[EntryValues] = []
    outgoing: list[Outgoing] = []
    for p in plan:
        deal, program, event = p.deal, p.program, p.item.event
        budget = program_budget_account(program.id)
        state = states.get(deal.id, DealRewardState())
        remaining = balances[budget] if p.budgeted else UNLIMITED
        try:
            accruals = accrue_event(program, DealEventType(event.type), deal_facts(deal), state, remaining)
        except CurrencyMismatch as exc:
            log.warning("reward skipped", deal_id=deal.id, reason=str(exc))
            continue
        states[deal.id] = state.after(accruals)
        for accrual in accruals:
            entry_id = reward_id(deal.id, accrual.rule_key)
            transfer = transfer_for_grant(entry_id, program.id, deal.rep.id, accrual.granted, program.currency)
            if transfer is not None:
                transfers.append(transfer)
                for leg in entries(transfer):
                    balances[leg.account] = balances.get(leg.account, Decimal("0.00")) + leg.amount
            rows.append(
                entry_values(
                    entry_id=entry_id,
                    deal=deal,
                    program_id=program.id,
                    currency=program.currency,
                    accrual=accrual,
                    event_id=event.id,
                    transfer_id=transfer.id if transfer is not None else None,
                )
            )
            if accrual.granted != 0:
                reward = reward_event(program, deal, accrual, entry_id, event.id, now)
                outgoing.append((topics.incentives, deal.id, reward, p.item.traceparent))

    inserted = await write_batch(con, transfers, rows, outgoing, now)
    if inserted != len(rows):
        # Impossible under the locks; fail loudly so the whole batch (all of its writes) is rolled back.
        raise RuntimeError(f"{len(rows) - inserted} of the batch's ledger entries already existed")
