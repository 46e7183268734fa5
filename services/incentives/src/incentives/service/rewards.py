"""Use case driven by deal events: the rules applied once, booked in the double-entry ledger.

One event, one transaction (the idempotent consumer's): lock the program's budget
account row (SELECT ... FOR UPDATE) so two consumers never spend the same remainder,
rebuild the deal's reward state from its stored rows, accrue, book, enqueue events.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from decimal import Decimal

import structlog
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.consumer import PoisonEvent
from events.envelope import CloudEvent, new_event
from events.outbox import enqueue
from events.schemas import DealEventData
from events.topics import TopicNames
from incentives.adapters.tables import DealCloseRow, LedgerEntryRow, ProgramRow
from incentives.domain.accrual import Accrual, DealRewardState, accrue_event
from incentives.domain.deals import DealEventType, DealFacts, Stage
from incentives.domain.ledger import program_budget_account, reward_id, transfer_for_grant
from incentives.domain.programs import Program
from incentives.domain.rules import CurrencyMismatch, RewardKind
from incentives.service.ledger_bulk import entry_values
from incentives.service.ledger_store import lock_balance, post_transfer
from incentives.service.programs import UNLIMITED, program_for_deal, record_program, to_domain
from servicekit.money import format_money

log = structlog.get_logger("incentives.rewards")


def deal_facts(deal: DealEventData) -> DealFacts:
    return DealFacts(
        deal_id=deal.id,
        vendor_id=deal.vendor_id,
        partner_id=deal.partner_id,
        tier=deal.partner.tier,
        rep_id=deal.rep.id,
        currency=deal.currency,
        margin_amount=deal.margin_amount,
        stage=Stage(deal.stage),
        final_amount=deal.final_amount if deal.final_amount is not None else deal.amount,
    )


async def deal_state(session: AsyncSession, deal_id: str) -> DealRewardState:
    rows = (
        await session.execute(
            select(col(LedgerEntryRow.rule_key), col(LedgerEntryRow.amount)).where(
                col(LedgerEntryRow.deal_id) == deal_id
            )
        )
    ).all()
    return DealRewardState(frozenset(r[0] for r in rows), sum((r[1] for r in rows), Decimal("0.00")))


async def on_deal_event(session: AsyncSession, event: CloudEvent, topics: TopicNames) -> None:
    """Every deal event that may earn or reverse a reward goes through here."""
    deal = DealEventData.model_validate(event.data)
    if event.type == DealEventType.DEAL_CLOSED:
        await record_close(session, deal, event.time)
    program_row = await program_for_deal(session, deal.vendor_id, deal.partner_id, deal.created_at, deal.id)
    if program_row is None:
        return
    program = to_domain(program_row)
    if deal.partner.tier not in program.tier_multipliers:
        raise PoisonEvent(f"program {program.id} has no multiplier for tier {deal.partner.tier}")
    # The lock: every accrual of this program waits here for the one before it.
    balance = await lock_balance(session, program_budget_account(program.id))
    if balance is None:
        raise PoisonEvent(f"program {program.id} has no budget account")
    remaining = balance if program_row.budget is not None else UNLIMITED
    state = await deal_state(session, deal.id)
    try:
        accruals = accrue_event(program, DealEventType(event.type), deal_facts(deal), state, remaining)
    except CurrencyMismatch as exc:
        log.warning("reward skipped", deal_id=deal.id, reason=str(exc))
        return
    now = datetime.now(UTC)
    if accruals:
        # Before the entries: their (deal, program) must match the record (a foreign key).
        await record_program(session, deal.id, program.id, now)
    outgoing = []
    for accrual in accruals:
        reward = await book_accrual(session, program, program_row, deal, accrual, event.id, now)
        if reward is not None:
            outgoing.append((topics.incentives, deal.id, reward))
    if outgoing:
        await enqueue(session, outgoing)


async def book_accrual(
    session: AsyncSession,
    program: Program,
    program_row: ProgramRow,
    deal: DealEventData,
    accrual: Accrual,
    source_event_id: str,
    now: datetime,
) -> CloudEvent | None:
    """Append the rep-facing row and its transfer; the event to publish, None for a zero grant."""
    entry_id = reward_id(deal.id, accrual.rule_key)
    transfer = transfer_for_grant(entry_id, program.id, deal.rep.id, accrual.granted, program.currency)
    if transfer is not None:
        await post_transfer(session, transfer, now)
    values = entry_values(
        entry_id=entry_id,
        deal=deal,
        program_id=program.id,
        currency=program.currency,
        accrual=accrual,
        event_id=source_event_id,
        transfer_id=transfer.id if transfer is not None else None,
    )
    inserted = await session.execute(
        insert(LedgerEntryRow)
        .values(**asdict(values), created_at=now)
        .on_conflict_do_nothing(constraint="ledger_entries_one_per_rule")
        .returning(col(LedgerEntryRow.id))
    )
    if inserted.first() is None:
        # Impossible under the budget lock; fail loudly so the transfer is rolled back.
        raise RuntimeError(f"deal {deal.id} already has {accrual.rule_key}")
    if accrual.granted == 0:
        return None
    return reward_event(program, deal, accrual, entry_id, source_event_id, now)


def close_values(deal: DealEventData, at: datetime | None) -> dict[str, object] | None:
    """The deal_closes row of a deal-closed event (None when it says no outcome)."""
    if deal.outcome is None:
        return None
    return {
        "deal_id": deal.id,
        "partner_id": deal.partner_id,
        "vendor_id": deal.vendor_id,
        "outcome": deal.outcome,
        "amount": deal.final_amount if deal.final_amount is not None else deal.amount,
        "margin_pct": deal.margin_pct,
        "currency": deal.currency,
        "closed_at": at or deal.updated_at,
    }


async def record_close(session: AsyncSession, deal: DealEventData, at: datetime | None) -> None:
    """Keep the close for the partner's history (once per deal, however often it is told)."""
    values = close_values(deal, at)
    if values is not None:
        await session.execute(insert(DealCloseRow).values(**values).on_conflict_do_nothing(index_elements=["deal_id"]))


def reward_event(
    program: Program, deal: DealEventData, accrual: Accrual, entry_id: str, source_event_id: str, now: datetime
) -> CloudEvent:
    """The reward-earned (or reward-clawed-back) event announcing a booked accrual."""
    return new_event(
        time=now,
        event_type="reward-clawed-back" if accrual.kind is RewardKind.CLAWBACK else "reward-earned",
        service="incentives",
        subject=deal.id,
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
