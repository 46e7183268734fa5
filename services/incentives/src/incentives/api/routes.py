"""incentives' HTTP routes: programs, the ledger, earnings, payouts, simulations."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import select
from sqlmodel import col

from incentives.adapters.tables import LedgerEntryRow, PayoutLineRow, PayoutRow, ProgramRow
from incentives.api.schemas import ForecastIn, PayoutCreate, ProgramCreate, ProgramUpdate, SimulateRequest
from incentives.domain import programs as domain
from incentives.domain.deals import Stage
from incentives.domain.payouts import csv_cell
from incentives.domain.rules import RewardKind
from incentives.domain.simulation import Forecast, InvalidForecast, simulate
from incentives.domain.statements import EarningsStatement, earnings_statement, parse_period
from incentives.service.enrolments import enrolled_vendors, is_enrolled, partners_of
from incentives.service.ledger_reads import lines_where, visible_to
from incentives.service.payouts import NothingToPay, create_payouts
from incentives.service.preconditions import IfMatch
from incentives.service.programs import (
    UNLIMITED,
    OverlappingPrograms,
    ProgramNotFound,
    insert_program,
    spent_and_remaining,
    update_program,
)
from incentives.service.proposals import simulation_json
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.money import format_money
from servicekit.pagination import Cursor, Limit, decode_cursor, next_cursor
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, conflict, not_found, validation_problem

router = APIRouter(prefix="/v1")
_FIELD = re.compile(r"^([a-z_]+)")


def _problems_422(problems: list[str], prefix: tuple[str, ...] = ("body",)) -> Problem:
    """Domain messages start with the field they are about: name it in `loc`."""
    errors = []
    for message in problems:
        match = _FIELD.match(message)
        errors.append({"loc": [*prefix, match.group(1) if match else "body"], "msg": message, "type": "value_error"})
    return validation_problem(errors)


def _bad_cursor() -> Problem:
    return validation_problem([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])


def _cursor_date(value: Any) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _bad_cursor()


def _money(value: Any) -> str | None:
    return format_money(value) if value is not None else None


async def program_json(session: DbSession, row: ProgramRow) -> dict[str, Any]:
    spent, remaining = await spent_and_remaining(session, row)
    return {
        "id": row.id,
        "vendor_id": row.vendor_id,
        "partner_id": row.partner_id,
        "name": row.name,
        "currency": row.currency,
        "starts_on": row.starts_on.isoformat(),
        "ends_on": row.ends_on.isoformat(),
        "registration_reward_pct": str(row.registration_reward_pct.normalize()),
        "pay_registration_on": row.pay_registration_on,
        "stage_bonuses": row.stage_bonuses,
        "close_won_pct": str(row.close_won_pct.normalize()),
        "clawback_on_reject": row.clawback_on_reject,
        "tier_multipliers": row.tier_multipliers,
        "cap_per_deal": _money(row.cap_per_deal),
        "budget": _money(row.budget),
        "spent": format_money(spent),
        "remaining": _money(remaining),
        "created_at": row.created_at.isoformat(),
        "version": row.version,
    }


def program_of(body: ProgramCreate, program_id: str) -> domain.Program:
    """The domain program of a request body (422 naming each broken rule); no budget is unlimited."""
    try:
        return domain.Program(
            id=program_id,
            vendor_id=body.vendor_id,
            partner_id=body.partner_id,
            name=body.name,
            currency=body.currency,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            registration_reward_pct=body.registration_reward_pct,
            pay_registration_on=domain.PayRegistrationOn(body.pay_registration_on),
            stage_bonuses={Stage(k): v for k, v in body.stage_bonuses.items()},
            close_won_pct=body.close_won_pct,
            clawback_on_reject=body.clawback_on_reject,
            tier_multipliers={int(k): v for k, v in body.tier_multipliers.items()},
            cap_per_deal=body.cap_per_deal,
            budget=body.budget if body.budget is not None else UNLIMITED,
        )
    except domain.InvalidProgram as exc:
        raise _problems_422(exc.problems) from exc


@router.post("/programs", status_code=201, tags=["programs"])
async def create_program(body: ProgramCreate, principal: CurrentPrincipal, session: DbSession) -> JSONResponse:
    require_vendor_access(principal, body.vendor_id, "create its programs")
    candidate = program_of(body, str(uuid.uuid4()))
    async with session.begin():
        try:
            row = await insert_program(session, candidate, budget=body.budget, now=datetime.now(UTC))
        except OverlappingPrograms as exc:
            raise conflict(
                "Programs of one vendor may not overlap in time.", conflicting_program_ids=exc.program_ids
            ) from exc
        payload = await program_json(session, row)
    return JSONResponse(payload, status_code=201, headers={"Location": f"/v1/programs/{row.id}"})


async def _sees_program(session: DbSession, principal: Principal, row: ProgramRow) -> bool:
    """A vendor its own; a partner the programs of the vendors it is enrolled with (vendor-wide or its own)."""
    if principal.role is Role.ADMIN:
        return True
    if principal.role is Role.VENDOR:
        return principal.acts_for_vendor(row.vendor_id)
    if row.partner_id is not None and not principal.acts_for_partner(row.partner_id):
        return False
    return await is_enrolled(session, principal, row.vendor_id)


@router.get("/programs/{program_id}", tags=["programs"])
async def get_program(program_id: str, principal: CurrentPrincipal, session: DbSession) -> Any:
    row = await session.get(ProgramRow, program_id)
    if row is None or not await _sees_program(session, principal, row):
        raise not_found("program")
    return JSONResponse(await program_json(session, row), headers={"ETag": f'"{row.version}"'})


@router.patch("/programs/{program_id}", tags=["programs"])
async def patch_program(
    program_id: str, body: ProgramUpdate, principal: CurrentPrincipal, session: DbSession, if_match: IfMatch = None
) -> Any:
    """Rename a program or move its end (vendor or admin); If-Match: the version last read."""
    if principal.role not in (Role.VENDOR, Role.ADMIN):
        raise Problem(403, "Only the vendor or an admin changes a program.")
    try:
        async with session.begin():
            row = await update_program(
                session,
                program_id,
                may_act=principal.acts_for_vendor,
                name=body.name,
                ends_on=body.ends_on,
                if_match=if_match,
            )
            payload = await program_json(session, row)
    except ProgramNotFound as exc:
        raise not_found("program") from exc
    except domain.InvalidProgram as exc:
        raise _problems_422(exc.problems) from exc
    except OverlappingPrograms as exc:
        raise conflict(
            "Programs of one vendor may not overlap in time.", conflicting_program_ids=exc.program_ids
        ) from exc
    return JSONResponse(payload, headers={"ETag": f'"{row.version}"'})


@router.get("/programs", tags=["programs"])
async def list_programs(
    principal: CurrentPrincipal,
    session: DbSession,
    vendor_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    key = decode_cursor(cursor, ("starts_on", "id"))
    after = _cursor_date(key["starts_on"]) if key is not None else None
    if key is not None and not isinstance(key["id"], str):
        raise _bad_cursor()
    query = select(ProgramRow)
    if vendor_id is not None:
        query = query.where(col(ProgramRow.vendor_id) == vendor_id)
    if principal.role is Role.VENDOR:
        query = query.where(col(ProgramRow.vendor_id) == (principal.vendor_id or ""))
    elif principal.role in (Role.PARTNER, Role.AGGREGATOR):
        # In SQL, not after the fetch: a filtered page would end the pagination early.
        mine = partners_of(principal)
        query = query.where(
            col(ProgramRow.vendor_id).in_(enrolled_vendors(principal)),
            col(ProgramRow.partner_id).is_(None) | col(ProgramRow.partner_id).in_(mine),
        )
    if key is not None and after is not None:
        query = query.where(
            (col(ProgramRow.starts_on) > after)
            | ((col(ProgramRow.starts_on) == after) & (col(ProgramRow.id) > key["id"]))
        )
    query = query.order_by(col(ProgramRow.starts_on), col(ProgramRow.id)).limit(limit + 1)
    rows = list((await session.execute(query)).scalars().all())
    page, nxt = next_cursor(rows, limit, lambda r: {"starts_on": r.starts_on.isoformat(), "id": r.id})
    return {"items": [await program_json(session, r) for r in page], "next_cursor": nxt}


def entry_json(row: LedgerEntryRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "deal_id": row.deal_id,
        "rep_id": row.rep_id,
        "partner_id": row.partner_id,
        "vendor_id": row.vendor_id,
        "program_id": row.program_id,
        "kind": row.kind,
        "stage": row.stage,
        "amount": format_money(row.amount),
        "requested": format_money(row.requested),
        "cut": format_money(row.cut),
        "cut_reason": row.cut_reason,
        "currency": row.currency,
        "event_id": row.event_id,
        "created_at": row.created_at.isoformat(),
    }


@router.get("/ledger", tags=["ledger"])
async def ledger(
    principal: CurrentPrincipal,
    session: DbSession,
    rep_id: Annotated[str | None, Query(max_length=100)] = None,
    partner_id: Annotated[str | None, Query(max_length=100)] = None,
    deal_id: Annotated[str | None, Query(max_length=100)] = None,
    program_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    key = decode_cursor(cursor, ("seq",))
    # A well-formed cursor of ours carries an integer; anything else is the caller's (422), never a 500.
    if key is not None and (type(key["seq"]) is not int or not 0 <= key["seq"] < 2**63):
        raise _bad_cursor()
    query = select(LedgerEntryRow).where(visible_to(principal))
    for column, value in (
        (LedgerEntryRow.rep_id, rep_id),
        (LedgerEntryRow.partner_id, partner_id),
        (LedgerEntryRow.deal_id, deal_id),
        (LedgerEntryRow.program_id, program_id),
    ):
        if value is not None:
            query = query.where(col(column) == value)
    if key is not None:
        query = query.where(col(LedgerEntryRow.seq) > key["seq"])
    query = query.order_by(col(LedgerEntryRow.seq)).limit(limit + 1)
    rows = list((await session.execute(query)).scalars().all())
    page, nxt = next_cursor(rows, limit, lambda r: {"seq": r.seq})
    return {"items": [entry_json(r) for r in page], "next_cursor": nxt}


@router.get("/deals/{deal_id}/rewards", tags=["ledger"])
async def deal_rewards(deal_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    rows = list(
        (
            await session.execute(
                select(LedgerEntryRow).where(col(LedgerEntryRow.deal_id) == deal_id).order_by(col(LedgerEntryRow.seq))
            )
        )
        .scalars()
        .all()
    )
    if rows and not principal.sees(vendor_id=rows[0].vendor_id, partner_id=rows[0].partner_id):
        raise not_found("deal")
    return {
        "deal_id": deal_id,
        "currency": rows[0].currency if rows else None,
        "net": format_money(sum((r.amount for r in rows), Decimal("0.00"))),
        "items": [entry_json(r) for r in rows],
    }


def _statement_json(statement: EarningsStatement, kinds: set[RewardKind]) -> dict[str, Any]:
    """One currency's figures (the kinds present in its lines only)."""
    return {
        "currency": statement.currency,
        "earned": format_money(statement.earned),
        "clawed_back": format_money(statement.clawed_back),
        "net": format_money(statement.net),
        "paid": format_money(statement.paid),
        "unpaid": format_money(statement.unpaid),
        "by_kind": {str(k): format_money(v) for k, v in statement.by_kind.items() if k in kinds},
        "deals": [
            {
                "deal_id": d.deal_id,
                "currency": statement.currency,
                "earned": format_money(d.earned),
                "clawed_back": format_money(d.clawed_back),
                "net": format_money(d.net),
            }
            for d in statement.deals
        ],
    }


@router.get("/reps/{rep_id}/earnings", tags=["earnings"])
async def rep_earnings(
    rep_id: str,
    principal: CurrentPrincipal,
    session: DbSession,
    period: Annotated[str | None, Query(max_length=10, description="A quarter, e.g. 2026Q4")] = None,
    currency: Annotated[
        str | None, Query(pattern=r"^[A-Z]{3}$", description="Only this currency's rewards (ISO 4217).")
    ] = None,
) -> dict[str, Any]:
    """The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.
    """
    try:
        window = parse_period(period) if period is not None else None
    except ValueError as exc:
        raise validation_problem([{"loc": ["query", "period"], "msg": str(exc), "type": "value_error"}]) from exc
    lines = await lines_where(session, col(LedgerEntryRow.rep_id) == rep_id, visible_to(principal))
    if not lines:
        raise not_found("rep")
    currencies = [currency] if currency is not None else sorted({line.currency for line in lines})
    by_currency = {
        c: _statement_json(
            earnings_statement(lines, rep_id=rep_id, period=window, currency=c),
            {line.kind for line in lines if line.currency == c},
        )
        for c in currencies
    }
    if len(by_currency) == 1:
        top = next(iter(by_currency.values()))
    else:
        top = dict.fromkeys(("currency", "earned", "clawed_back", "net", "paid", "unpaid", "by_kind"))
        top["deals"] = [deal for figures in by_currency.values() for deal in figures["deals"]]
    return {
        "rep_id": rep_id,
        "period": period,
        **top,
        "by_currency": {c: {k: v for k, v in f.items() if k != "currency"} for c, f in by_currency.items()},
    }


def payout_json(row: PayoutRow, lines: list[PayoutLineRow]) -> dict[str, Any]:
    """A payout is in one currency: `currency` and `total` are its, `totals` the same per currency."""
    return {
        "id": row.id,
        "vendor_id": row.vendor_id,
        "up_to": row.up_to.isoformat(),
        "currency": row.currency,
        "total": format_money(row.total),
        "totals": {row.currency: format_money(row.total)},
        "created_at": row.created_at.isoformat(),
        "lines": [
            {
                "rep_id": x.rep_id,
                "partner_id": x.partner_id,
                "amount": format_money(x.amount),
                "currency": row.currency,
                "entry_count": x.entry_count,
            }
            for x in lines
        ],
    }


@router.post("/payouts", status_code=201, tags=["payouts"])
async def post_payout(
    body: PayoutCreate, request: Request, principal: CurrentPrincipal, session: DbSession
) -> JSONResponse:
    """Pay every unpaid net reward up to `up_to`: one payout per currency owed (only `currency`, if given).

    The answer is the first payout (by currency code); `payouts` lists every payout this
    request created, each of one currency, so no amounts of two currencies are ever added.
    """
    require_vendor_access(principal, body.vendor_id, "create its payout batches")
    up_to = body.up_to or datetime.now(UTC)
    try:
        async with session.begin():
            booked = await create_payouts(
                session, vendor_id=body.vendor_id, up_to=up_to, currency=body.currency, topics=request.app.state.topics
            )
            first = booked[0][0]
            lines = await _payout_lines(session, first.id)
    except NothingToPay as exc:
        raise Problem(409, "No unpaid rewards of this vendor up to that time.") from exc
    payload = payout_json(first, lines)
    payload["payouts"] = [
        {"id": p.id, "currency": p.currency, "total": format_money(p.total), "line_count": len(b.lines)}
        for p, b in booked
    ]
    return JSONResponse(payload, status_code=201, headers={"Location": f"/v1/payouts/{first.id}"})


async def _payout_lines(session: DbSession, payout_id: str) -> list[PayoutLineRow]:
    query = (
        select(PayoutLineRow)
        .where(col(PayoutLineRow.payout_id) == payout_id)
        .order_by(col(PayoutLineRow.rep_id), col(PayoutLineRow.partner_id))
    )
    return list((await session.execute(query)).scalars().all())


async def _visible_payout(session: DbSession, principal: Principal, payout_id: str) -> PayoutRow:
    row = await session.get(PayoutRow, payout_id)
    if row is None or not principal.acts_for_vendor(row.vendor_id):
        raise not_found("payout")
    return row


@router.get("/payouts/{payout_id}", tags=["payouts"])
async def get_payout(payout_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    row = await _visible_payout(session, principal, payout_id)
    return payout_json(row, await _payout_lines(session, payout_id))


@router.get("/payouts/{payout_id}/lines.csv", tags=["payouts"])
async def payout_csv(payout_id: str, principal: CurrentPrincipal, session: DbSession) -> Response:
    row = await _visible_payout(session, principal, payout_id)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["payout_id", "rep_id", "partner_id", "amount", "currency", "entry_count"])
    for line in await _payout_lines(session, payout_id):
        amount = format_money(line.amount)
        cells = [row.id, line.rep_id, line.partner_id, amount, row.currency, line.entry_count]
        writer.writerow([csv_cell(cell) for cell in cells])
    return Response(
        out.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-{payout_id}.csv"'},
    )


def forecast_of(f: ForecastIn) -> Forecast:
    """The domain forecast (422 naming each broken rule under body.forecast)."""
    try:
        return Forecast(
            expected_registrations=f.expected_registrations,
            win_rate=f.win_rate,
            avg_deal_amount=f.avg_deal_amount,
            avg_margin_pct=f.avg_margin_pct,
            stage_reach_rates={Stage(k): v for k, v in f.stage_reach_rates.items()},
            tier_mix={int(k): v for k, v in f.tier_mix.items()},
        )
    except InvalidForecast as exc:
        raise _problems_422(exc.problems, ("body", "forecast")) from exc


@router.post("/programs/simulate", tags=["programs"])
async def simulate_program(body: SimulateRequest, principal: CurrentPrincipal) -> dict[str, Any]:
    """Expected registrations, wins, revenue, payout and ROI; open to every role, stores nothing."""
    return simulation_json(simulate(program_of(body.program, "simulation"), forecast_of(body.forecast)))
