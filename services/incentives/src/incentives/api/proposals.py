"""Build-your-own incentives: the vendor's incentive policy, partners' proposals, the vendor's decision.

The rules live in domain.policy and the use cases in service.proposals; these routes read
the request and map the outcome to its response model.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Response

from incentives.api.dependencies import IF_MATCH_RESPONSES, IfMatch, Store
from incentives.api.routes import forecast_terms, terms_of, with_etag
from incentives.api.schemas import PolicyOut, ProgramCreate, ProposalCreate, ProposalDecision, ProposalOut, VendorPolicy
from incentives.domain.policy import POLICY_FIELDS
from incentives.service import proposals
from incentives.service.ports import ProposalRecord
from incentives.service.programs import ProgramTerms
from incentives.service.proposals import PolicyView, ProposeProgram
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.money import format_money

router = APIRouter(prefix="/v1")


_MONEY_FIELDS = frozenset({"max_budget", "max_cap_per_deal", "assumed_avg_deal_amount"})


def _number(name: str, value: Decimal) -> str:
    # Money with its two places; rates and percentages as written ("4", "0.2"), never "4E+1".
    return format_money(value) if name in _MONEY_FIELDS else format(value.normalize(), "f")


def policy_out(view: PolicyView) -> PolicyOut:
    record = view.record
    return PolicyOut(
        vendor_id=view.vendor_id,
        **{name: _number(name, getattr(view.policy, name)) for name in POLICY_FIELDS},
        defaults=view.defaults,
        version=record.version if record is not None else 0,
        updated_at=record.updated_at.isoformat() if record is not None else None,
    )


@router.get("/vendors/{vendor_id}/incentive-policy", tags=["proposals"], name="get_incentive_policy")
async def get_policy(vendor_id: str, principal: CurrentPrincipal, store: Store) -> PolicyOut:
    """The vendor's policy; its partners (enrolled with it) may read it to build within bounds."""
    return policy_out(await proposals.get_policy(store, principal, vendor_id))


@router.put(
    "/vendors/{vendor_id}/incentive-policy",
    tags=["proposals"],
    name="put_incentive_policy",
    responses=IF_MATCH_RESPONSES,
)
async def put_policy(
    vendor_id: str,
    body: VendorPolicy,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    response: Response,
    if_match: IfMatch = None,
) -> PolicyOut:
    """Set the whole policy (a field left out is its default); If-Match: the version last read (0: none yet)."""
    require_vendor_access(principal, vendor_id, "set its incentive policy")
    async with session.begin():
        view = await proposals.put_policy(store, vendor_id, body.model_dump(), if_match, datetime.now(UTC))
    return with_etag(response, policy_out(view))


def proposal_out(record: ProposalRecord) -> ProposalOut:
    same = ("id", "vendor_id", "partner_id", "status", "simulation", "gate", "program", "forecast", "program_id")
    return ProposalOut(
        **{name: getattr(record, name) for name in same},
        roi=str(record.roi) if record.roi is not None else None,
        min_roi=str(record.min_roi) if record.min_roi is not None else None,
        created_at=record.created_at.isoformat(),
        decided_at=record.decided_at.isoformat() if record.decided_at else None,
        version=record.version,
    )


@router.post("/program-proposals", status_code=201, tags=["proposals"], name="create_program_proposal")
async def propose(
    body: ProposalCreate, principal: CurrentPrincipal, session: DbSession, store: Store, response: Response
) -> ProposalOut:
    """Approved at once when the ROI on the gate's (lowest) numbers meets min_roi; rejected when negative."""
    given = body.program.pay_registration_on if "pay_registration_on" in body.program.model_fields_set else None
    command = ProposeProgram(
        program=terms_of(body.program),
        program_json=body.program.model_dump(mode="json"),
        pay_registration_on_given=given,
        forecast=forecast_terms(body.forecast),
        forecast_json=body.forecast.model_dump(mode="json"),
    )
    async with session.begin():
        record = await proposals.propose(store, principal, command, datetime.now(UTC))
    response.headers["Location"] = f"/v1/program-proposals/{record.id}"
    return proposal_out(record)


@router.get("/program-proposals/{proposal_id}", tags=["proposals"], name="get_program_proposal")
async def get_proposal(proposal_id: str, principal: CurrentPrincipal, store: Store, response: Response) -> ProposalOut:
    return with_etag(response, proposal_out(await proposals.get_proposal(store, principal, proposal_id)))


def _stored_terms(program: Mapping[str, Any]) -> ProgramTerms:
    """A stored proposal's program (as it was proposed) read back as terms."""
    return terms_of(ProgramCreate.model_validate(program))


@router.post(
    "/program-proposals/{proposal_id}/decision",
    tags=["proposals"],
    name="decide_program_proposal",
    responses=IF_MATCH_RESPONSES,
)
async def decide(
    proposal_id: str,
    body: ProposalDecision,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    if_match: IfMatch = None,
) -> ProposalOut:
    """The vendor's decision on a pending proposal; approving creates the partner's program (from now on)."""
    async with session.begin():
        record = await proposals.decide(
            store, principal, proposal_id, body.decision, if_match, datetime.now(UTC), _stored_terms
        )
    return proposal_out(record)
