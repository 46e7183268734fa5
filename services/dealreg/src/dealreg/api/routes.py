"""dealreg's HTTP routes: thin adapters from HTTP to the use cases in service/."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request

from dealreg.api.commands import ProblemAnswers, batch_item, partner_command, policy_of, register_command
from dealreg.api.dependencies import RegistrationsDep, Store
from dealreg.api.schemas import (
    BatchIn,
    BatchOut,
    CloseIn,
    DealCreate,
    DealOut,
    DealPage,
    DecisionIn,
    ExtendIn,
    HistoryPage,
    PartnerIn,
    PartnerOut,
    PolicyIn,
    PolicyOut,
    StageIn,
)
from dealreg.domain.deals import Deal
from dealreg.service import lifecycle, partners, policies, queries
from dealreg.service.batch import register_batch
from dealreg.service.ports import DealFilter
from dealreg.service.registration import register
from dealreg.service.views import deal_json
from events.vocabulary import DealStage, DealStatus
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.pagination import Cursor, Limit
from servicekit.principal import Principal
from servicekit.responses import FastJSONResponse

router = APIRouter(prefix="/v1")
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The version you last read; 412 if stale.")]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": "RFC 9457 problem", "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 412, 422)
}


def _deal_response(deal: Deal, principal: Principal, status: int = 200, **headers: str) -> FastJSONResponse:
    headers = {"ETag": f'"{deal.version}"', **headers}
    return FastJSONResponse(deal_json(deal, principal), status_code=status, headers=headers)


# --- partners -------------------------------------------------------------------------------


@router.put("/partners/{partner_id}", response_model=PartnerOut, tags=["partners"], responses=PROBLEMS)
async def put_partner(
    partner_id: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")],
    body: PartnerIn,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    request: Request,
    if_match: IfMatch = None,
) -> Any:
    async with session.begin():
        view, created = await partners.put_partner(
            store, request.app.state.topics, principal, partner_command(partner_id, body), if_match
        )
    return FastJSONResponse(view, status_code=201 if created else 200, headers={"ETag": f'"{view["version"]}"'})


@router.get("/partners/{partner_id}", response_model=PartnerOut, tags=["partners"], responses=PROBLEMS)
async def get_partner(
    partner_id: Annotated[str, Path(max_length=100)], principal: CurrentPrincipal, store: Store
) -> Any:
    view = await partners.get_partner(store, principal, partner_id)
    return FastJSONResponse(view, headers={"ETag": f'"{view["version"]}"'})


# --- vendor approval policy -----------------------------------------------------------------


@router.get("/vendors/{vendor_id}/approval-policy", response_model=PolicyOut, tags=["policies"], responses=PROBLEMS)
async def get_approval_policy(vendor_id: str, principal: CurrentPrincipal, store: Store) -> Any:
    return await policies.get_policy(store, principal, vendor_id)


@router.put("/vendors/{vendor_id}/approval-policy", response_model=PolicyOut, tags=["policies"], responses=PROBLEMS)
async def put_approval_policy(
    vendor_id: str, body: PolicyIn, principal: CurrentPrincipal, session: DbSession, store: Store,
    if_match: IfMatch = None,
) -> Any:  # fmt: skip
    async with session.begin():
        policy, created = await policies.put_policy(store, principal, vendor_id, policy_of(body), if_match)
    return FastJSONResponse(policy, status_code=201 if created else 200, headers={"ETag": f'"{policy["version"]}"'})


# --- deals ----------------------------------------------------------------------------------


@router.post("/deals", status_code=201, response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def post_deal(
    body: DealCreate, principal: CurrentPrincipal, registrations: RegistrationsDep, request: Request
) -> Any:
    deal = await register(registrations, request.app.state.topics, principal, register_command(body))
    return _deal_response(deal, principal, 201, Location=f"/v1/deals/{deal.id}")


@router.post("/deals/batch", response_model=BatchOut, tags=["deals"], responses=PROBLEMS)
async def post_deals_batch(
    body: BatchIn, principal: CurrentPrincipal, registrations: RegistrationsDep, request: Request
) -> Any:
    state = request.app.state
    items = [batch_item(i, raw) for i, raw in enumerate(body.items)]
    results = await register_batch(
        registrations, state.topics, state.idempotency.ttl, principal, items, ProblemAnswers()
    )
    return FastJSONResponse({"results": results})


@router.get("/deals", response_model=DealPage, tags=["deals"], responses=PROBLEMS)
async def list_deals(
    principal: CurrentPrincipal,
    store: Store,
    status: Literal["pending_approval", "approved", "rejected", "expired", "closed"] | None = None,
    stage: Literal["registered", "qualified", "proposal", "negotiation", "closed_won", "closed_lost"] | None = None,
    partner_id: Annotated[str | None, Query(max_length=100)] = None,
    vendor_id: Annotated[str | None, Query(max_length=100)] = None,
    updated_after: datetime | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Any:
    if updated_after is not None and updated_after.tzinfo is None:
        updated_after = updated_after.replace(tzinfo=UTC)
    where = DealFilter(
        status=DealStatus(status) if status else None, stage=DealStage(stage) if stage else None,
        partner_id=partner_id, vendor_id=vendor_id, updated_after=updated_after,
    )  # fmt: skip
    return FastJSONResponse(await queries.list_deals(store, principal, where, limit=limit, cursor=cursor))


@router.get("/deals/{deal_id}", response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def get_deal(deal_id: str, principal: CurrentPrincipal, store: Store) -> Any:
    return _deal_response(await queries.visible_deal(store, principal, deal_id), principal)


@router.get("/deals/{deal_id}/history", response_model=HistoryPage, tags=["deals"], responses=PROBLEMS)
async def get_deal_history(
    deal_id: str, principal: CurrentPrincipal, store: Store, limit: Limit = 50, cursor: Cursor = None
) -> Any:
    return FastJSONResponse(await queries.deal_history(store, principal, deal_id, limit=limit, cursor=cursor))


@router.post("/deals/{deal_id}/decision", response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def post_decision(
    deal_id: str, body: DecisionIn, principal: CurrentPrincipal, session: DbSession, store: Store, request: Request,
    if_match: IfMatch = None,
) -> Any:  # fmt: skip
    async with session.begin():
        deal = await lifecycle.decide(
            store, request.app.state.topics, principal, deal_id, body.decision, body.reason, if_match
        )
    return _deal_response(deal, principal)


@router.post("/deals/{deal_id}/stage", response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def post_stage(
    deal_id: str, body: StageIn, principal: CurrentPrincipal, session: DbSession, store: Store, request: Request,
    if_match: IfMatch = None,
) -> Any:  # fmt: skip
    async with session.begin():
        deal = await lifecycle.advance_stage(
            store, request.app.state.topics, principal, deal_id, body.stage, body.note, if_match
        )
    return _deal_response(deal, principal)


@router.post("/deals/{deal_id}/close", response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def post_close(
    deal_id: str, body: CloseIn, principal: CurrentPrincipal, session: DbSession, store: Store, request: Request,
    if_match: IfMatch = None,
) -> Any:  # fmt: skip
    async with session.begin():
        deal = await lifecycle.close(
            store, request.app.state.topics, principal, deal_id, body.outcome, body.final_amount, body.closed_on,
            body.reason, if_match,
        )  # fmt: skip
    return _deal_response(deal, principal)


@router.post("/deals/{deal_id}/extend", response_model=DealOut, tags=["deals"], responses=PROBLEMS)
async def post_extend(
    deal_id: str, principal: CurrentPrincipal, session: DbSession, store: Store, request: Request,
    body: ExtendIn | None = None, if_match: IfMatch = None,
) -> Any:  # fmt: skip
    async with session.begin():
        deal = await lifecycle.extend(store, request.app.state.topics, principal, deal_id, if_match)
    return _deal_response(deal, principal)
