"""Programs in storage: the domain view of a row, the active program, live spent and remaining."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from incentives.adapters.tables import DealProgramRow, ProgramRow
from incentives.domain import programs as domain
from incentives.domain.deals import Stage
from incentives.domain.ledger import funding_transfer, program_budget_account
from incentives.service.ledger_store import balance_of, ensure_account, post_transfer
from incentives.service.preconditions import check_if_match

# A program without a budget is unlimited; the domain wants a number, so it gets one no
# ledger will reach (NUMERIC(18, 2) holds at most 16 digits before the point).
UNLIMITED = Decimal("9999999999999999.99")


def to_domain(row: ProgramRow) -> domain.Program:
    return domain.Program(
        id=row.id,
        vendor_id=row.vendor_id,
        partner_id=row.partner_id,
        name=row.name,
        currency=row.currency,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        registration_reward_pct=Decimal(row.registration_reward_pct),
        pay_registration_on=domain.PayRegistrationOn(row.pay_registration_on),
        stage_bonuses={Stage(k): Decimal(str(v)) for k, v in row.stage_bonuses.items()},
        close_won_pct=Decimal(row.close_won_pct),
        clawback_on_reject=row.clawback_on_reject,
        tier_multipliers={int(k): Decimal(str(v)) for k, v in row.tier_multipliers.items()},
        cap_per_deal=row.cap_per_deal,
        budget=row.budget if row.budget is not None else UNLIMITED,
        effective_from=row.effective_from,
    )


async def recorded_program_id(session: AsyncSession, deal_id: str) -> str | None:
    """The deal's program of record, None before its first reward."""
    result = await session.execute(select(col(DealProgramRow.program_id)).where(col(DealProgramRow.deal_id) == deal_id))
    return result.scalar_one_or_none()


async def program_for_deal(
    session: AsyncSession, vendor_id: str, partner_id: str, registered_at: datetime, deal_id: str
) -> ProgramRow | None:
    """The program governing the deal: its program of record, else the one active at its registration."""
    recorded = await recorded_program_id(session, deal_id)
    if recorded is not None:
        return await session.get(ProgramRow, recorded)
    registered_on = registered_at.astimezone(UTC).date()
    rows = (
        (
            await session.execute(
                select(ProgramRow).where(
                    col(ProgramRow.vendor_id) == vendor_id,
                    col(ProgramRow.starts_on) <= registered_on,
                    col(ProgramRow.ends_on) >= registered_on,
                )
            )
        )
        .scalars()
        .all()
    )
    by_id = {row.id: row for row in rows}
    chosen = domain.program_of_record(None, [to_domain(r) for r in rows], vendor_id, partner_id, registered_at)
    return by_id[chosen.id] if chosen is not None else None


async def record_program(session: AsyncSession, deal_id: str, program_id: str, now: datetime) -> None:
    """Make `program_id` the deal's program of record (a no-op once it has one)."""
    await session.execute(
        insert(DealProgramRow)
        .values(deal_id=deal_id, program_id=program_id, created_at=now)
        .on_conflict_do_nothing(index_elements=["deal_id"])
    )


async def spent_and_remaining(session: AsyncSession, row: ProgramRow) -> tuple[Decimal, Decimal | None]:
    """Live figures from the budget account: spent = budget - balance; unlimited has no remaining."""
    balance = await balance_of(session, program_budget_account(row.id)) or Decimal("0.00")
    if row.budget is None:
        return -balance, None
    return row.budget - balance, balance


class OverlappingPrograms(Exception):
    def __init__(self, program_ids: list[str]) -> None:
        super().__init__(", ".join(program_ids))
        self.program_ids = program_ids


async def insert_program(
    session: AsyncSession,
    program: domain.Program,
    *,
    budget: Decimal | None,
    now: datetime,
    effective_from: datetime | None = None,
) -> ProgramRow:
    """Store a validated program and fund its budget account, in the caller's transaction.

    Creation is serialised per vendor (advisory lock), so two overlapping requests cannot
    both pass the check; OverlappingPrograms names the programs in the way.
    """
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"programs:{program.vendor_id}"))))
    existing = (
        (await session.execute(select(ProgramRow).where(col(ProgramRow.vendor_id) == program.vendor_id)))
        .scalars()
        .all()
    )
    clashes = domain.overlapping_programs([to_domain(r) for r in existing], program)
    if clashes:
        raise OverlappingPrograms([p.id for p in clashes])
    row = ProgramRow(
        id=program.id,
        vendor_id=program.vendor_id,
        partner_id=program.partner_id,
        name=program.name,
        currency=program.currency,
        starts_on=program.starts_on,
        ends_on=program.ends_on,
        registration_reward_pct=program.registration_reward_pct,
        pay_registration_on=str(program.pay_registration_on),
        stage_bonuses={str(k): f"{v:.2f}" for k, v in program.stage_bonuses.items()},
        close_won_pct=program.close_won_pct,
        clawback_on_reject=program.clawback_on_reject,
        tier_multipliers={str(k): str(v) for k, v in program.tier_multipliers.items()},
        cap_per_deal=program.cap_per_deal,
        budget=budget,
        created_at=now,
        version=1,
        effective_from=effective_from,
    )
    session.add(row)
    await session.flush()
    await ensure_account(session, program_budget_account(row.id), row.currency, non_negative=budget is not None)
    if budget is not None:
        await post_transfer(session, funding_transfer(f"fund:{row.id}", row.id, budget, row.currency), now)
    return row


class ProgramNotFound(Exception):
    pass


async def update_program(
    session: AsyncSession,
    program_id: str,
    *,
    may_act: Callable[[str], bool],
    name: str | None,
    ends_on: date | None,
    if_match: str | None,
) -> ProgramRow:
    """Rename a program or move its end (If-Match honoured); the money rules never change once set.

    ProgramNotFound when it does not exist or `may_act(vendor_id)` is false;
    OverlappingPrograms when a later end would run into another program of the same scope;
    domain.InvalidProgram when the end would be before the start.
    """
    row = await session.get(ProgramRow, program_id, with_for_update=True, populate_existing=True)
    if row is None or not may_act(row.vendor_id):
        raise ProgramNotFound()
    # Same lock as insert_program: an extension and a new program cannot both pass the overlap check.
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"programs:{row.vendor_id}"))))
    check_if_match(if_match, row.version)
    if ends_on is not None and ends_on != row.ends_on:
        changed = dataclasses.replace(to_domain(row), ends_on=ends_on)
        others = (
            (await session.execute(select(ProgramRow).where(col(ProgramRow.vendor_id) == row.vendor_id)))
            .scalars()
            .all()
        )
        clashes = domain.overlapping_programs([to_domain(r) for r in others], changed)
        if clashes:
            raise OverlappingPrograms([p.id for p in clashes])
        row.ends_on = ends_on
    if name is not None:
        row.name = name
    row.version += 1
    session.add(row)
    await session.flush()
    return row
