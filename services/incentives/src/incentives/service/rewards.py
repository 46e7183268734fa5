"""Use cases driven by deal events: registration rewards into the ledger."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal

from events.envelope import CloudEvent, new_event
from events.outbox import enqueue
from events.schemas import DealEventData
from events.topics import TopicNames
from servicekit.money import format_money, percent_of, to_cents
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from incentives.adapters.tables import LedgerEntryRow, ProgramRow


async def active_program(session: AsyncSession, vendor_id: str, on: datetime) -> ProgramRow | None:
    day = on.astimezone(UTC).date()
    result = await session.execute(
        select(ProgramRow)
        .where(col(ProgramRow.vendor_id) == vendor_id, col(ProgramRow.starts_on) <= day, col(ProgramRow.ends_on) >= day)
        .limit(1)
    )
    return result.scalar_one_or_none()


def registration_reward(margin_amount: Decimal, pct: Decimal, multiplier: Decimal) -> Decimal:
    return to_cents(percent_of(margin_amount, pct) * multiplier)


async def on_deal_registered(session: AsyncSession, event: CloudEvent, topics: TopicNames) -> None:
    deal = DealEventData.model_validate(event.data)
    program = await active_program(session, deal.vendor_id, deal.created_at)
    if program is None or program.pay_registration_on != "registered":
        return
    multiplier = Decimal(str(program.tier_multipliers.get(str(deal.partner.tier), "1")))
    amount = registration_reward(deal.margin_amount, program.registration_reward_pct, multiplier)
    entry_id = str(uuid.uuid4())
    now = datetime.now(UTC)
    inserted = await session.execute(
        insert(LedgerEntryRow)
        .values(
            id=entry_id,
            deal_id=deal.id,
            rep_id=deal.rep.id,
            partner_id=deal.partner_id,
            vendor_id=deal.vendor_id,
            program_id=program.id,
            kind="registration",
            stage=None,
            rule_key="registration",
            amount=amount,
            currency=program.currency,
            event_id=event.id,
            created_at=now,
        )
        .on_conflict_do_nothing(constraint="ledger_entries_one_per_rule")
        .returning(col(LedgerEntryRow.id))
    )
    if inserted.first() is None:
        return
    reward = new_event(
        event_type="reward-earned",
        service="incentives",
        subject=deal.id,
        data={
            "entry_id": entry_id,
            "deal_id": deal.id,
            "rep_id": deal.rep.id,
            "partner_id": deal.partner_id,
            "vendor_id": deal.vendor_id,
            "program_id": program.id,
            "kind": "registration",
            "stage": None,
            "amount": format_money(amount),
            "currency": program.currency,
            "source_event_id": event.id,
        },
    )
    await enqueue(session, [(topics.incentives, deal.id, reward)])
