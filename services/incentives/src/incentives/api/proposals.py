"""Build-your-own incentives: the vendor's incentive policy, partners' proposals, the vendor's decision.

The rules live in domain.policy and the use cases in service.proposals; these routes read
the request, check who may act, and map the outcome to HTTP.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from incentives.adapters.tables import ProposalRow, VendorPolicyRow
from incentives.api.routes import forecast_of, program_of
from incentives.api.schemas import ProgramCreate, ProposalCreate, ProposalDecision, VendorPolicy
from incentives.domain.policy import POLICY_FIELDS
from incentives.domain.programs import PayRegistrationOn
from incentives.service import proposals as service
from incentives.service.preconditions import IfMatch
from incentives.service.programs import OverlappingPrograms
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.money import format_money
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, conflict, not_found, validation_problem

router = APIRouter(prefix="/v1")


_MONEY_FIELDS = frozenset({"max_budget", "max_cap_per_deal", "assumed_avg_deal_amount"})


def _number(name: str, value: Decimal) -> str:
    # Money with its two places; rates and percentages as written ("4", "0.2"), never "4E+1".
    return format_money(value) if name in _MONEY_FIELDS else format(value.normalize(), "f")


def policy_json(vendor_id: str, row: VendorPolicyRow | None) -> dict[str, Any]:
    """Every ceiling and assumption in force; `defaults` lists those the vendor never set."""
    policy = service.policy_of(row)
    return {
        "vendor_id": vendor_id,
        **{name: _number(name, getattr(policy, name)) for name in POLICY_FIELDS},
        "defaults": [name for name in POLICY_FIELDS if row is None or getattr(row, name) is None],
        "version": row.version if row is not None else 0,
        "updated_at": row.updated_at.isoformat() if row is not None else None,
    }


@router.get("/vendors/{vendor_id}/incentive-policy", tags=["proposals"])
async def get_policy(vendor_id: str, principal: CurrentPrincipal, session: DbSession) -> Any:
    """The vendor's policy; its partners (enrolled with it) may read it to build within bounds."""
    if not principal.acts_for_vendor(vendor_id):
        partners = sorted(principal.partner_ids | ({principal.partner_id} if principal.partner_id else set()))
        if principal.role not in (Role.PARTNER, Role.AGGREGATOR) or not any(
            [await service.enrolment(session, p, vendor_id) for p in partners]
        ):
            raise not_found("incentive policy")
    return policy_json(vendor_id, await session.get(VendorPolicyRow, vendor_id))


@router.put("/vendors/{vendor_id}/incentive-policy", tags=["proposals"])
async def put_policy(
    vendor_id: str, body: VendorPolicy, principal: CurrentPrincipal, session: DbSession, if_match: IfMatch = None
) -> Any:
    """Set the whole policy (a field left out is its default); If-Match: the version last read (0: none yet)."""
    require_vendor_access(principal, vendor_id, "set its incentive policy")
    async with session.begin():
        row = await service.put_policy(session, vendor_id, body.model_dump(), if_match, datetime.now(UTC))
        payload = policy_json(vendor_id, row)
    return JSONResponse(payload, headers={"ETag": f'"{row.version}"'})


def proposal_json(row: ProposalRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "vendor_id": row.vendor_id,
        "partner_id": row.partner_id,
        "status": row.status,
        "roi": str(row.roi) if row.roi is not None else None,
        "min_roi": str(row.min_roi) if row.min_roi is not None else None,
        "simulation": row.simulation,
        "gate": row.gate,
        "program": row.program,
        "forecast": row.forecast,
        "program_id": row.program_id,
        "created_at": row.created_at.isoformat(),
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "version": row.version,
    }


def _proposed_program(spec: ProgramCreate) -> ProgramCreate:
    # Always paid on approval and clawed back on rejection; what the partner sent against
    # that is refused by the policy check (422), never silently changed.
    changes: dict[str, Any] = {}
    if "pay_registration_on" not in spec.model_fields_set:
        changes["pay_registration_on"] = str(PayRegistrationOn.APPROVED)
    return spec.model_copy(update=changes)


def _refused(exc: service.ProposalRefused) -> Problem:
    return validation_problem(
        [{"loc": ["body", "program", p.field], "msg": p.message, "type": "value_error"} for p in exc.problems],
        detail="The proposal is outside the vendor's incentive policy: see errors.",
    )


def _overlap(exc: OverlappingPrograms) -> Problem:
    return conflict("The partner already has a program in that time.", conflicting_program_ids=exc.program_ids)


@router.post("/program-proposals", status_code=201, tags=["proposals"])
async def propose(body: ProposalCreate, principal: CurrentPrincipal, session: DbSession) -> JSONResponse:
    """Approved at once when the ROI on the gate's (lowest) numbers meets min_roi; rejected when negative."""
    partner_id = body.program.partner_id or principal.partner_id
    if principal.role not in (Role.PARTNER, Role.AGGREGATOR, Role.ADMIN) or not (
        partner_id and principal.acts_for_partner(partner_id)
    ):
        raise Problem(403, "Only a partner may propose a program, for itself.")
    given = body.program.pay_registration_on if "pay_registration_on" in body.program.model_fields_set else None
    spec = _proposed_program(body.program.model_copy(update={"partner_id": partner_id}))
    proposal = service.Proposal(
        partner_id=partner_id,
        program=program_of(spec, str(uuid.uuid4())),
        budget=spec.budget,
        cap_per_deal=spec.cap_per_deal,
        pay_registration_on_given=given,
        program_json=spec.model_dump(mode="json"),
        forecast=forecast_of(body.forecast),
        forecast_json=body.forecast.model_dump(mode="json"),
    )
    try:
        async with session.begin():
            row = await service.propose(session, proposal, datetime.now(UTC))
            payload = proposal_json(row)
    except service.ProposalRefused as exc:
        raise _refused(exc) from exc
    except OverlappingPrograms as exc:
        raise _overlap(exc) from exc
    return JSONResponse(payload, status_code=201, headers={"Location": f"/v1/program-proposals/{row.id}"})


def _sees(principal: Principal, row: ProposalRow) -> bool:
    return principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id)


@router.get("/program-proposals/{proposal_id}", tags=["proposals"])
async def get_proposal(proposal_id: str, principal: CurrentPrincipal, session: DbSession) -> Any:
    row = await session.get(ProposalRow, proposal_id)
    if row is None or not _sees(principal, row):
        raise not_found("proposal")
    return JSONResponse(proposal_json(row), headers={"ETag": f'"{row.version}"'})


@router.post("/program-proposals/{proposal_id}/decision", tags=["proposals"])
async def decide(
    proposal_id: str,
    body: ProposalDecision,
    principal: CurrentPrincipal,
    session: DbSession,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """The vendor's decision on a pending proposal; approving creates the partner's program (from now on)."""
    try:
        async with session.begin():
            # Locked here already: the service's read of it is then the same locked row.
            stored = await session.get(ProposalRow, proposal_id, with_for_update=True)
            program = None
            if stored is not None and body.decision == "approved":
                program = program_of(ProgramCreate.model_validate(stored.program), str(uuid.uuid4()))
            row = await service.decide(
                session, principal, proposal_id, body.decision, if_match, program, datetime.now(UTC)
            )
            payload = proposal_json(row)
    except service.ProposalNotFound as exc:
        raise not_found("proposal") from exc
    except service.NotTheVendor as exc:
        raise Problem(403, "Only the vendor or an admin decides a proposal.") from exc
    except service.AlreadyDecided as exc:
        raise conflict(f"The proposal is already {exc.status}.") from exc
    except OverlappingPrograms as exc:
        raise _overlap(exc) from exc
    return payload
