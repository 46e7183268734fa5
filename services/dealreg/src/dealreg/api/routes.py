"""dealreg's HTTP routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.principal import Role
from servicekit.problems import Problem, not_found

from dealreg.adapters.tables import DealRow, PartnerRow
from dealreg.api.schemas import DealCreate, DealOut, PartnerIn, PartnerOut
from dealreg.service.registration import register_deal
from dealreg.service.views import deal_json

router = APIRouter(prefix="/v1")


@router.put("/partners/{partner_id}", response_model=PartnerOut, tags=["partners"])
async def put_partner(
    partner_id: str, body: PartnerIn, principal: CurrentPrincipal, session: DbSession, response: Response
) -> PartnerRow:
    if principal.role not in (Role.ADMIN, Role.VENDOR):
        raise Problem(403, "Only vendors and admins manage partner profiles.")
    now = datetime.now(UTC)
    async with session.begin():
        row = await session.get(PartnerRow, partner_id, with_for_update=True)
        if row is None:
            row = PartnerRow(
                id=partner_id,
                created_at=now,
                version=0,
                **body.model_dump(exclude={"vendor_ids"}),
                vendor_ids=body.vendor_ids,
                updated_at=now,
            )
            session.add(row)
            response.status_code = 201
        else:
            for field, value in body.model_dump().items():
                setattr(row, field, value)
            row.updated_at = now
        row.version += 1
    return row


@router.get("/partners/{partner_id}", response_model=PartnerOut, tags=["partners"])
async def get_partner(partner_id: str, principal: CurrentPrincipal, session: DbSession) -> PartnerRow:
    row = await session.get(PartnerRow, partner_id)
    if row is None:
        raise not_found("partner")
    visible = principal.acts_for_partner(partner_id) or (
        principal.role is Role.VENDOR and principal.vendor_id in row.vendor_ids
    )
    if not visible:
        raise not_found("partner")
    return row


@router.post("/deals", status_code=201, response_model=DealOut, tags=["deals"])
async def post_deal(body: DealCreate, principal: CurrentPrincipal, session: DbSession, request: Request) -> Any:
    async with session.begin():
        row, _ = await register_deal(session, request.app.state.topics, principal, body)
    return JSONResponse(deal_json(row, principal), status_code=201, headers={"Location": f"/v1/deals/{row.id}"})


@router.get("/deals/{deal_id}", response_model=DealOut, tags=["deals"])
async def get_deal(deal_id: str, principal: CurrentPrincipal, session: DbSession) -> Any:
    row = await session.get(DealRow, deal_id)
    if row is None or not principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id):
        raise not_found("deal")
    return deal_json(row, principal)
