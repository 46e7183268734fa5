"""Use cases of programs: create, read, list, change, simulate; who may see which program."""

from __future__ import annotations

import dataclasses
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from events.vocabulary import DealStage
from incentives.domain import programs as domain
from incentives.domain.ledger import funding_transfer, program_budget_account
from incentives.domain.simulation import Forecast, InvalidForecast, SimulationResult, simulate
from incentives.service.ports import IncentivesStore, ProgramRecord, ProgramScope
from incentives.service.preconditions import check_if_match
from servicekit.cursors import decode_cursor, next_cursor
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.principal import Principal, Role

_FIELD = re.compile(r"^([a-z_]+)")


@dataclass(frozen=True, kw_only=True)
class ProgramTerms:
    """A program as a request states it (shapes already checked; the rules are the domain's)."""

    vendor_id: str
    partner_id: str | None = None
    name: str
    currency: str
    starts_on: date
    ends_on: date
    registration_reward_pct: Decimal
    pay_registration_on: str = "registered"
    stage_bonuses: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    close_won_pct: Decimal = Decimal(0)
    clawback_on_reject: bool = True
    tier_multipliers: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    cap_per_deal: Decimal | None = None
    budget: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class ForecastTerms:
    expected_registrations: int
    win_rate: Decimal
    avg_deal_amount: Decimal
    avg_margin_pct: Decimal
    stage_reach_rates: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)
    tier_mix: Mapping[str, Decimal] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ProgramView:
    """A program with its live figures: spent = budget - balance; unlimited has no remaining."""

    record: ProgramRecord
    spent: Decimal
    remaining: Decimal | None


class OverlappingPrograms(Exception):
    def __init__(self, program_ids: list[str]) -> None:
        super().__init__(", ".join(program_ids))
        self.program_ids = program_ids


def invalid(problems: Sequence[str], prefix: Sequence[str] = ("body",)) -> InvalidInput:
    """Domain messages start with the field they are about: name it in `loc` (422)."""
    errors = []
    for message in problems:
        match = _FIELD.match(message)
        errors.append({"loc": [*prefix, match.group(1) if match else "body"], "msg": message, "type": "value_error"})
    return InvalidInput(errors)


# The terms the domain program takes as they are.
_AS_STATED = (
    "vendor_id",
    "partner_id",
    "name",
    "currency",
    "starts_on",
    "ends_on",
    "registration_reward_pct",
    "close_won_pct",
    "clawback_on_reject",
    "cap_per_deal",
)


def program_of(terms: ProgramTerms, program_id: str) -> domain.Program:
    """The domain program of the terms (422 naming each broken rule); no budget is unlimited."""
    try:
        return domain.Program(
            **{name: getattr(terms, name) for name in _AS_STATED},
            id=program_id,
            pay_registration_on=domain.PayRegistrationOn(terms.pay_registration_on),
            stage_bonuses={DealStage(k): v for k, v in terms.stage_bonuses.items()},
            tier_multipliers={int(k): v for k, v in terms.tier_multipliers.items()},
            budget=terms.budget if terms.budget is not None else domain.UNLIMITED,
        )
    except domain.InvalidProgram as exc:
        raise invalid(exc.problems) from exc


def forecast_of(terms: ForecastTerms) -> Forecast:
    """The domain forecast (422 naming each broken rule under body.forecast)."""
    try:
        return Forecast(
            expected_registrations=terms.expected_registrations,
            win_rate=terms.win_rate,
            avg_deal_amount=terms.avg_deal_amount,
            avg_margin_pct=terms.avg_margin_pct,
            stage_reach_rates={DealStage(k): v for k, v in terms.stage_reach_rates.items()},
            tier_mix={int(k): v for k, v in terms.tier_mix.items()},
        )
    except InvalidForecast as exc:
        raise invalid(exc.problems, ("body", "forecast")) from exc


def simulate_program(program: ProgramTerms, forecast: ForecastTerms) -> SimulationResult:
    """Expected registrations, wins, revenue, payout and ROI; stores nothing."""
    return simulate(program_of(program, "simulation"), forecast_of(forecast))


def record_of(program: domain.Program, *, budget: Decimal | None, now: datetime) -> ProgramRecord:
    """A new program as it is stored (version 1)."""
    return ProgramRecord(
        program=program,
        budget=budget,
        stage_bonuses={str(k): f"{v:.2f}" for k, v in program.stage_bonuses.items()},
        tier_multipliers={str(k): str(v) for k, v in program.tier_multipliers.items()},
        created_at=now,
        version=1,
    )


async def add_program(
    store: IncentivesStore,
    program: domain.Program,
    *,
    budget: Decimal | None,
    now: datetime,
    effective_from: datetime | None = None,
) -> ProgramRecord:
    """Store a valid program and fund its budget account; OverlappingPrograms names those in the way.

    Creation is serialised per vendor, so two overlapping requests cannot both pass the check.
    """
    await store.lock_vendor_programs(program.vendor_id)
    existing = await store.programs_of_vendor(program.vendor_id)
    clashes = domain.overlapping_programs([r.program for r in existing], program)
    if clashes:
        raise OverlappingPrograms([p.id for p in clashes])
    record = record_of(dataclasses.replace(program, effective_from=effective_from), budget=budget, now=now)
    await store.add_program(record)
    await store.open_account(program_budget_account(program.id), program.currency, non_negative=budget is not None)
    if budget is not None:
        await store.post_transfer(funding_transfer(f"fund:{program.id}", program.id, budget, program.currency), now)
    return record


def _overlap(exc: OverlappingPrograms) -> Conflict:
    return Conflict("Programs of one vendor may not overlap in time.", conflicting_program_ids=exc.program_ids)


async def view(store: IncentivesStore, record: ProgramRecord) -> ProgramView:
    """The program with its live figures from the budget account."""
    balance = await store.balance(program_budget_account(record.program.id)) or Decimal("0.00")
    if record.budget is None:
        return ProgramView(record, -balance, None)
    return ProgramView(record, record.budget - balance, balance)


async def create_program(store: IncentivesStore, terms: ProgramTerms, now: datetime) -> ProgramView:
    """A vendor's new program (the caller checked it acts for the vendor); 409 when it overlaps another."""
    program = program_of(terms, str(uuid.uuid4()))
    try:
        record = await add_program(store, program, budget=terms.budget, now=now)
    except OverlappingPrograms as exc:
        raise _overlap(exc) from exc
    return await view(store, record)


def partners_of(principal: Principal) -> tuple[str, ...]:
    """The partners a partner or aggregator token acts for."""
    return tuple(sorted(principal.partner_ids | ({principal.partner_id} if principal.partner_id else set())))


async def _sees(store: IncentivesStore, principal: Principal, program: domain.Program) -> bool:
    """A vendor its own; a partner the programs of the vendors it is enrolled with (vendor-wide or its own)."""
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.VENDOR:
        return principal.acts_for_vendor(program.vendor_id)
    if program.partner_id is not None and not principal.acts_for_partner(program.partner_id):
        return False
    return await store.is_enrolled(partners_of(principal), program.vendor_id)


async def get_program(store: IncentivesStore, principal: Principal, program_id: str) -> ProgramView:
    record = await store.program(program_id)
    if record is None or not await _sees(store, principal, record.program):
        raise NotFound("program")
    return await view(store, record)


async def change_program(
    store: IncentivesStore,
    principal: Principal,
    program_id: str,
    *,
    name: str | None,
    ends_on: date | None,
    if_match: str | None,
) -> ProgramView:
    """Rename a program or move its end (If-Match honoured); the money rules never change once set."""
    if principal.role not in (Role.VENDOR, Role.ADMIN):
        raise Forbidden("Only the vendor or an admin changes a program.")
    record = await store.program(program_id, lock=True)
    if record is None or not principal.acts_for_vendor(record.program.vendor_id):
        raise NotFound("program")
    # Same lock as add_program: an extension and a new program cannot both pass the overlap check.
    await store.lock_vendor_programs(record.program.vendor_id)
    check_if_match(if_match, record.version)
    if ends_on is not None and ends_on != record.program.ends_on:
        try:
            changed = dataclasses.replace(record.program, ends_on=ends_on)
        except domain.InvalidProgram as exc:
            raise invalid(exc.problems) from exc
        others = await store.programs_of_vendor(record.program.vendor_id)
        clashes = domain.overlapping_programs([r.program for r in others], changed)
        if clashes:
            raise _overlap(OverlappingPrograms([p.id for p in clashes]))
    changed_record = await store.change_program(program_id, name=name, ends_on=ends_on)
    return await view(store, changed_record)


async def list_programs(
    store: IncentivesStore, principal: Principal, *, vendor_id: str | None, limit: int, cursor: str | None
) -> tuple[list[ProgramView], str | None]:
    """The programs the caller may see, by start then id; a partner's filter is applied in the store."""
    key = decode_cursor(cursor, {"starts_on": date, "id": str})
    scope = ProgramScope(vendor_id=vendor_id)
    if principal.role is Role.VENDOR:
        scope = dataclasses.replace(scope, own_vendor=principal.vendor_id or "")
    elif principal.role in (Role.PARTNER, Role.AGGREGATOR):
        scope = dataclasses.replace(scope, partner_ids=partners_of(principal))
    after = (key["starts_on"], key["id"]) if key is not None else None
    records = await store.list_programs(scope, after, limit + 1)
    page, nxt = next_cursor(
        records, limit, lambda r: {"starts_on": r.program.starts_on.isoformat(), "id": r.program.id}
    )
    return [await view(store, r) for r in page], nxt
