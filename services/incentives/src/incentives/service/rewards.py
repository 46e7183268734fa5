"""The use case driven by deal events: the rules applied once, booked in the double-entry ledger.

ONE path, set-based: a batch of deal events (a single event is a batch of one) in the
consumer's transaction. The programs are read, then the budgets the batch books against are
locked in id order; every payable the batch may touch is locked once, in id order (two
consumers never deadlock, and never spend the same remainder of a budget); every deal's
reward state is read in one query. Then the pure domain runs per event in delivery order,
carrying each deal's state and each budget's balance forward in memory, and one write
books everything (ledger, entries, outbox). An event that can never be applied raises
Unpayable (the consumer dead-letters it); any failure aborts the whole batch, which the
consumer then replays record by record, each a batch of one through this same use case.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Protocol

import structlog

from events.envelope import CloudEvent, schema_uri
from events.schemas import DealEventData
from events.vocabulary import DealEventType, IncentiveEventType
from incentives.domain.accrual import Accrual, DealRewardState, accrue_event
from incentives.domain.deals import deal_facts
from incentives.domain.ledger import (
    Transfer,
    entries,
    program_budget_account,
    rep_payable_account,
    reward_id,
    transfer_for_grant,
)
from incentives.domain.programs import UNLIMITED, Program, program_of_record
from incentives.domain.rules import CurrencyMismatch, RewardKind
from incentives.service.ports import DealClose, EntryValues, Outgoing, ProgramRecord, RewardStore
from servicekit.money import format_money

log = structlog.get_logger("incentives.rewards")

# The deal events that can earn or reverse a reward; the rules decide which do.
REWARDING_EVENT_TYPES: tuple[DealEventType, ...] = (
    DealEventType.DEAL_REGISTERED,
    DealEventType.DEAL_APPROVED,
    DealEventType.STAGE_ADVANCED,
    DealEventType.DEAL_CLOSED,
    DealEventType.DEAL_REJECTED,
)


class Unpayable(Exception):
    """An event that can never be applied (no multiplier for the tier, no budget account)."""


class Delivered(Protocol):
    """A claimed event and the traceparent of its processing (events.batching.BatchItem)."""

    @property
    def event(self) -> CloudEvent: ...

    @property
    def traceparent(self) -> str | None: ...


@dataclass(frozen=True)
class _Planned:
    item: Delivered
    deal: DealEventData
    program: Program
    budgeted: bool


class _Programs:
    """The programs of a batch's vendors, chosen per deal from memory."""

    def __init__(self, records: Sequence[ProgramRecord]) -> None:
        self._by_vendor: dict[str, list[ProgramRecord]] = {}
        for record in records:
            self._by_vendor.setdefault(record.program.vendor_id, []).append(record)
        self._by_id = {r.program.id: r for rs in self._by_vendor.values() for r in rs}

    def for_deal(
        self, recorded_id: str | None, vendor_id: str, partner_id: str, registered_at: datetime
    ) -> ProgramRecord | None:
        """The deal's program of record, else the one active at its registration."""
        candidates = [r.program for r in self._by_vendor.get(vendor_id, [])]
        chosen = program_of_record(recorded_id, candidates, vendor_id, partner_id, registered_at)
        return self._by_id.get(chosen.id) if chosen is not None else None


def close_of(deal: DealEventData, at: datetime | None) -> DealClose | None:
    """The close a deal-closed event tells (None when it says no outcome)."""
    if deal.outcome is None:
        return None
    return DealClose(
        deal_id=deal.id,
        partner_id=deal.partner_id,
        vendor_id=deal.vendor_id,
        outcome=str(deal.outcome),
        amount=deal.final_amount if deal.final_amount is not None else deal.amount,
        margin_pct=deal.margin_pct,
        currency=deal.currency,
        closed_at=at or deal.updated_at,
    )


async def apply_deal_events(store: RewardStore, items: Sequence[Delivered], topic: str) -> list[Delivered]:
    """Apply a batch of new deal events (claimed, distinct, in delivery order per deal); returns
    the items whose event booked a reward (each once: the reward latency is measured on them).

    `topic` is where the reward events go (incentives.v1).
    """
    parsed = [(item, DealEventData.model_validate(item.event.data)) for item in items]
    # Lock first, read the deals' state after (a statement of its own: one statement sees one
    # snapshot, taken before any lock wait): whatever another consumer committed before we got
    # the locks is seen, and nobody books against these budgets until we commit.
    # Budgets before reps' accounts, each set in id order: whoever holds a rep's account
    # already holds every budget it needs (no deadlock). Payables are ensured after the
    # budgets are locked and before any payable is locked.
    closes = [close_of(d, item.event.time) for item, d in parsed if item.event.type == DealEventType.DEAL_CLOSED]
    await store.record_closes([c for c in closes if c is not None])
    programs = _Programs(await store.programs_of({d.vendor_id for _, d in parsed}))
    recorded = await store.recorded_programs({d.id for _, d in parsed})
    plan: list[_Planned] = []
    for item, deal in parsed:
        found = programs.for_deal(recorded.get(deal.id), deal.vendor_id, deal.partner_id, deal.created_at)
        if found is None:
            continue
        # Until its first reward books, a deal's later events in this batch see the same choice.
        recorded.setdefault(deal.id, found.program.id)
        if deal.partner.tier not in found.program.tier_multipliers:
            raise Unpayable(f"program {found.program.id} has no multiplier for tier {deal.partner.tier}")
        plan.append(_Planned(item, deal, found.program, found.budget is not None))
    if not plan:
        return []

    budgets = {program_budget_account(p.program.id) for p in plan}
    balances = await store.lock_accounts(budgets)
    missing = sorted(budgets - balances.keys())
    if missing:
        raise Unpayable(f"no budget account: {', '.join(missing)}")
    payables = {rep_payable_account(p.deal.rep.id): (p.program.currency, False) for p in plan}
    await store.ensure_accounts(payables)
    balances.update(await store.lock_accounts(set(payables)))
    states = await store.deal_states({p.deal.id for p in plan})

    now = datetime.now(UTC)
    transfers: list[Transfer] = []
    rows: list[EntryValues] = []
    outgoing: list[Outgoing] = []
    rewarded: dict[str, Delivered] = {}
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
            rows.append(entry_values(entry_id, deal, program, accrual, event.id, transfer))
            if accrual.granted != 0:
                reward = reward_event(program, deal, accrual, entry_id, event.id, now)
                outgoing.append((topic, deal.id, reward, p.item.traceparent))
                rewarded.setdefault(event.id, p.item)

    inserted = await store.write_batch(transfers, rows, outgoing, now)
    if inserted != len(rows):
        # Impossible under the locks; fail loudly so the whole batch (all of its writes) is rolled back.
        raise RuntimeError(f"{len(rows) - inserted} of the batch's ledger entries already existed")
    return list(rewarded.values())


def entry_values(
    entry_id: str, deal: DealEventData, program: Program, accrual: Accrual, event_id: str, transfer: Transfer | None
) -> EntryValues:
    """The rep-facing ledger row of one accrual."""
    return EntryValues(
        id=entry_id,
        deal_id=deal.id,
        rep_id=deal.rep.id,
        partner_id=deal.partner_id,
        vendor_id=deal.vendor_id,
        program_id=program.id,
        kind=str(accrual.kind),
        stage=str(accrual.stage) if accrual.stage is not None else None,
        rule_key=accrual.rule_key,
        amount=accrual.granted,
        requested=accrual.requested,
        cut=accrual.cut,
        cut_reason=str(accrual.cut_reason) if accrual.cut_reason is not None else None,
        currency=program.currency,
        event_id=event_id,
        transfer_id=transfer.id if transfer is not None else None,
    )


def reward_event(
    program: Program, deal: DealEventData, accrual: Accrual, entry_id: str, source_event_id: str, now: datetime
) -> CloudEvent:
    """The reward-earned (or reward-clawed-back) event announcing a booked accrual."""
    kind = (
        IncentiveEventType.REWARD_CLAWED_BACK
        if accrual.kind is RewardKind.CLAWBACK
        else IncentiveEventType.REWARD_EARNED
    )
    # Every value is this function's own (the amounts checked by the domain): pydantic's
    # validation of the envelope (~7 us, once per reward) is skipped.
    return CloudEvent.model_construct(
        id=str(uuid.uuid4()),
        source="/services/incentives",
        type=str(kind),
        subject=deal.id,
        time=now.astimezone(UTC),
        dataschema=schema_uri(str(kind), "incentives"),
        data={
            "entry_id": entry_id,
            "deal_id": deal.id,
            "rep_id": deal.rep.id,
            "partner_id": deal.partner_id,
            "vendor_id": deal.vendor_id,
            "program_id": program.id,
            "kind": str(accrual.kind),
            "stage": str(accrual.stage) if accrual.stage is not None else None,
            "amount": format_money(accrual.granted),
            "requested": format_money(accrual.requested),
            "cut": format_money(accrual.cut),
            "cut_reason": str(accrual.cut_reason) if accrual.cut_reason is not None else None,
            "currency": program.currency,
            "source_event_id": source_event_id,
        },
    )
