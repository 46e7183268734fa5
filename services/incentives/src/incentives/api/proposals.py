"""Build-your-own incentives: vendors set a minimum ROI, partners propose, the ROI decides."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy.dialects.postgresql import insert

from incentives.adapters.tables import ProposalRow, VendorPolicyRow
from incentives.api.routes import forecast_of, program_of, simulation_json
from incentives.api.schemas import ProgramCreate, ProposalCreate, ProposalDecision, VendorPolicy
from incentives.domain.programs import Program
from incentives.domain.simulation import ProposalStatus, proposal_decision, simulate
from incentives.service.programs import OverlappingPrograms, insert_program
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, conflict, not_found

router = APIRouter(prefix="/v1")


@router.put("/vendors/{vendor_id}/incentive-policy", tags=["proposals"])
async def put_policy(vendor_id: str, body: VendorPolicy, principal: CurrentPrincipal, session: DbSession) -> Any:
    require_vendor_access(principal, vendor_id, "set its incentive policy")
    now = datetime.now(UTC)
    async with session.begin():
        await session.execute(
            insert(VendorPolicyRow)
            .values(vendor_id=vendor_id, min_roi=body.min_roi, updated_at=now)
            .on_conflict_do_update(index_elements=["vendor_id"], set_={"min_roi": body.min_roi, "updated_at": now})
        )
    return {"vendor_id": vendor_id, "min_roi": str(body.min_roi), "updated_at": now.isoformat()}


def proposal_json(row: ProposalRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "vendor_id": row.vendor_id,
        "partner_id": row.partner_id,
        "status": row.status,
        "roi": str(row.roi) if row.roi is not None else None,
        "min_roi": str(row.min_roi) if row.min_roi is not None else None,
        "simulation": row.simulation,
        "program": row.program,
        "forecast": row.forecast,
        "program_id": row.program_id,
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
    }


@router.post("/program-proposals", status_code=201, tags=["proposals"])
async def propose(body: ProposalCreate, principal: CurrentPrincipal, session: DbSession) -> JSONResponse:
    """Approved at once (and the partner's program created) when the ROI meets the vendor's min_roi."""
    partner_id = body.program.partner_id or principal.partner_id
    if principal.role not in (Role.PARTNER, Role.AGGREGATOR, Role.ADMIN) or not (
        partner_id and principal.acts_for_partner(partner_id)
    ):
        raise Problem(403, "Only a partner may propose a program, for itself.")
    spec = body.program.model_copy(update={"partner_id": partner_id})
    program = program_of(spec, str(uuid.uuid4()))
    result = simulate(program, forecast_of(body.forecast))
    now = datetime.now(UTC)
    async with session.begin():
        policy = await session.get(VendorPolicyRow, spec.vendor_id)
        # No policy: no bar to meet, so the vendor decides every proposal.
        status = proposal_decision(result.roi, policy.min_roi) if policy else ProposalStatus.PENDING
        row = ProposalRow(
            id=str(uuid.uuid4()),
            vendor_id=spec.vendor_id,
            partner_id=partner_id,
            program=spec.model_dump(mode="json"),
            forecast=body.forecast.model_dump(mode="json"),
            simulation=simulation_json(result),
            roi=result.roi,
            min_roi=policy.min_roi if policy else None,
            status=str(status),
            created_at=now,
        )
        if status is ProposalStatus.APPROVED:
            row.program_id = await _create(session, program, spec.budget, now)
            row.decided_at = now
        session.add(row)
    return JSONResponse(proposal_json(row), status_code=201, headers={"Location": f"/v1/program-proposals/{row.id}"})


async def _create(session: DbSession, program: Program, budget: Decimal | None, now: datetime) -> str:
    try:
        created = await insert_program(session, program, budget=budget, now=now)
    except OverlappingPrograms as exc:
        raise conflict(
            "The partner already has a program in that time.", conflicting_program_ids=exc.program_ids
        ) from exc
    return created.id


def _sees(principal: Principal, row: ProposalRow) -> bool:
    return principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id)


@router.get("/program-proposals/{proposal_id}", tags=["proposals"])
async def get_proposal(proposal_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    row = await session.get(ProposalRow, proposal_id)
    if row is None or not _sees(principal, row):
        raise not_found("proposal")
    return proposal_json(row)


@router.post("/program-proposals/{proposal_id}/decision", tags=["proposals"])
async def decide(
    proposal_id: str, body: ProposalDecision, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    """The vendor's decision on a pending proposal; approving creates the partner's program."""
    async with session.begin():
        row = await session.get(ProposalRow, proposal_id, with_for_update=True)
        if row is None or not _sees(principal, row):
            raise not_found("proposal")
        if not principal.acts_for_vendor(row.vendor_id):
            raise Problem(403, "Only the vendor or an admin decides a proposal.")
        if row.status != ProposalStatus.PENDING:
            raise conflict(f"The proposal is already {row.status}.")
        now = datetime.now(UTC)
        if body.decision == "approved":
            spec = ProgramCreate.model_validate(row.program)
            row.program_id = await _create(session, program_of(spec, str(uuid.uuid4())), spec.budget, now)
        row.status = body.decision
        row.decided_at = now
        session.add(row)
        payload = proposal_json(row)
    return payload
