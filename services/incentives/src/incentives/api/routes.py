"""incentives' HTTP routes."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.money import format_money
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, not_found
from sqlalchemy import select
from sqlmodel import col

from incentives.adapters.tables import LedgerEntryRow, ProgramRow
from incentives.api.schemas import ProgramCreate

router = APIRouter(prefix="/v1")


def program_json(row: ProgramRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "vendor_id": row.vendor_id,
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
        "cap_per_deal": format_money(row.cap_per_deal) if row.cap_per_deal is not None else None,
        "budget": format_money(row.budget) if row.budget is not None else None,
        "created_at": row.created_at.isoformat(),
        "version": row.version,
    }


@router.post("/programs", status_code=201, tags=["programs"])
async def create_program(body: ProgramCreate, principal: CurrentPrincipal, session: DbSession) -> JSONResponse:
    if not principal.acts_for_vendor(body.vendor_id):
        raise Problem(403, "Only the program's vendor or an admin may create it.")
    row = ProgramRow(
        id=str(uuid.uuid4()),
        vendor_id=body.vendor_id,
        name=body.name,
        currency=body.currency,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        registration_reward_pct=body.registration_reward_pct,
        pay_registration_on=body.pay_registration_on,
        stage_bonuses={k: f"{v:.2f}" for k, v in body.stage_bonuses.items()},
        close_won_pct=body.close_won_pct,
        clawback_on_reject=body.clawback_on_reject,
        tier_multipliers={k: str(v) for k, v in body.tier_multipliers.items()},
        cap_per_deal=body.cap_per_deal,
        budget=body.budget,
        created_at=datetime.now(UTC),
        version=1,
    )
    async with session.begin():
        session.add(row)
    return JSONResponse(program_json(row), status_code=201, headers={"Location": f"/v1/programs/{row.id}"})


@router.get("/programs/{program_id}", tags=["programs"])
async def get_program(program_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    row = await session.get(ProgramRow, program_id)
    if row is None or not (principal.acts_for_vendor(row.vendor_id) or principal.role is not Role.VENDOR):
        raise not_found("program")
    return program_json(row)


def _visible(principal: Principal, entry: LedgerEntryRow) -> bool:
    return principal.sees(vendor_id=entry.vendor_id, partner_id=entry.partner_id)


@router.get("/reps/{rep_id}/earnings", tags=["earnings"])
async def rep_earnings(rep_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    query = select(LedgerEntryRow).where(col(LedgerEntryRow.rep_id) == rep_id)
    rows = (await session.execute(query)).scalars().all()
    entries = [e for e in rows if _visible(principal, e)]
    if rows and not entries:
        raise not_found("rep")
    earned = sum((e.amount for e in entries if e.amount > 0), Decimal(0))
    clawed = -sum((e.amount for e in entries if e.amount < 0), Decimal(0))
    by_kind: dict[str, Decimal] = defaultdict(Decimal)
    per_deal: dict[str, Decimal] = defaultdict(Decimal)
    for e in entries:
        by_kind[e.kind] += e.amount
        per_deal[e.deal_id] += e.amount
    net = earned - clawed
    return {
        "rep_id": rep_id,
        "currency": entries[0].currency if entries else None,
        "earned": format_money(earned),
        "clawed_back": format_money(clawed),
        "net": format_money(net),
        "paid": format_money(Decimal(0)),
        "unpaid": format_money(net),
        "by_kind": {k: format_money(v) for k, v in by_kind.items()},
        "deals": [{"deal_id": d, "net": format_money(v)} for d, v in per_deal.items()],
    }
