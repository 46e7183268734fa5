"""dealreg's HTTP routes: parse the request, build a command, call the use case, answer with a response model.

Every body is the response model built from the views' JSON (service/views.py), answered with the keys
that JSON has (`response_model_exclude_unset`): the same bytes as the views' JSON.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Concatenate, Literal, ParamSpec, Protocol

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response

from dealreg.api import examples
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
from dealreg.service.ports import DealFilter, DealStore
from dealreg.service.registration import register
from dealreg.service.views import deal_json
from events.topics import TopicNames
from events.vocabulary import DealStage, DealStatus
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.pagination import Cursor, Limit
from servicekit.principal import Principal

router = APIRouter(prefix="/v1")
IfMatch = Annotated[str | None, Header(alias="If-Match", description="The version you last read; 412 if stale.")]
PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": "RFC 9457 problem", "content": {"application/problem+json": {}}}
    for code in (401, 403, 404, 409, 412, 422)
}
# Every route: its documented problems, and only the keys its view has (a vendor-only field stays out).
ANSWER: dict[str, Any] = {"responses": PROBLEMS, "response_model_exclude_unset": True}


def created_or_updated(model: type[Any]) -> dict[str, Any]:
    """ANSWER for a PUT that creates (201) or replaces (200) what it names."""
    created = {201: {"model": model, "description": "Created: it did not exist before"}}
    return {**ANSWER, "responses": {**PROBLEMS, **created}}


def _versioned(response: Response, version: int, created: bool | None = None) -> None:
    response.headers["ETag"] = f'"{version}"'
    if created is not None:
        response.status_code = 201 if created else 200


def _deal_out(deal: Deal, principal: Principal, response: Response) -> DealOut:
    _versioned(response, deal.version)
    return DealOut.model_validate(deal_json(deal, principal))


P = ParamSpec("P")
# A lifecycle use case (service/lifecycle.py): the store, topics and caller, then its own arguments.
UseCase = Callable[Concatenate[DealStore, TopicNames, Principal, P], Awaitable[Deal]]


class _DealWork(Protocol):
    async def __call__(self, use_case: UseCase[P], /, *args: P.args, **kwargs: P.kwargs) -> DealOut: ...


async def _deal_work(
    principal: CurrentPrincipal, session: DbSession, store: Store, request: Request, response: Response
) -> _DealWork:
    """How a route works a deal: it runs a use case in the request's transaction (a keyed POST's claim
    commits with it), then answers with the deal."""
    topics: TopicNames = request.app.state.topics

    async def work(use_case: UseCase[P], /, *args: P.args, **kwargs: P.kwargs) -> DealOut:
        async with session.begin():
            deal = await use_case(store, topics, principal, *args, **kwargs)
        return _deal_out(deal, principal, response)

    return work


DealWork = Annotated[_DealWork, Depends(_deal_work)]


# --- partners -------------------------------------------------------------------------------


@router.put(
    "/partners/{partner_id}", tags=["partners"], openapi_extra=examples.PUT_PARTNER, **created_or_updated(PartnerOut)
)
async def put_partner(
    partner_id: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")],
    body: PartnerIn,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> PartnerOut:
    async with session.begin():
        view, created = await partners.put_partner(
            store, request.app.state.topics, principal, partner_command(partner_id, body), if_match
        )
    _versioned(response, view["version"], created)
    return PartnerOut.model_validate(view)


@router.get("/partners/{partner_id}", tags=["partners"], **ANSWER)
async def get_partner(
    partner_id: Annotated[str, Path(max_length=100)], principal: CurrentPrincipal, store: Store, response: Response
) -> PartnerOut:
    view = await partners.get_partner(store, principal, partner_id)
    _versioned(response, view["version"])
    return PartnerOut.model_validate(view)


# --- vendor approval policy -----------------------------------------------------------------


@router.get("/vendors/{vendor_id}/approval-policy", tags=["policies"], **ANSWER)
async def get_approval_policy(vendor_id: str, principal: CurrentPrincipal, store: Store) -> PolicyOut:
    return PolicyOut.model_validate(await policies.get_policy(store, principal, vendor_id))


@router.put("/vendors/{vendor_id}/approval-policy", tags=["policies"], **created_or_updated(PolicyOut))
async def put_approval_policy(
    vendor_id: str, body: PolicyIn, principal: CurrentPrincipal, session: DbSession, store: Store,
    response: Response, if_match: IfMatch = None,
) -> PolicyOut:  # fmt: skip
    async with session.begin():
        policy, created = await policies.put_policy(store, principal, vendor_id, policy_of(body), if_match)
    _versioned(response, policy["version"], created)
    return PolicyOut.model_validate(policy)


# --- deals ----------------------------------------------------------------------------------


@router.post("/deals", status_code=201, tags=["deals"], openapi_extra=examples.POST_DEAL, **ANSWER)
async def post_deal(
    body: DealCreate, principal: CurrentPrincipal, registrations: RegistrationsDep, request: Request,
    response: Response,
) -> DealOut:  # fmt: skip
    deal = await register(registrations, request.app.state.topics, principal, register_command(body))
    response.headers["Location"] = f"/v1/deals/{deal.id}"
    return _deal_out(deal, principal, response)


@router.post("/deals/batch", tags=["deals"], **ANSWER)
async def post_deals_batch(
    body: BatchIn, principal: CurrentPrincipal, registrations: RegistrationsDep, request: Request
) -> BatchOut:
    state = request.app.state
    items = [batch_item(i, raw) for i, raw in enumerate(body.items)]
    results = await register_batch(
        registrations, state.topics, state.idempotency.ttl, principal, items, ProblemAnswers()
    )
    return BatchOut.model_validate({"results": results})


@router.get("/deals", tags=["deals"], **ANSWER)
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
) -> DealPage:
    if updated_after is not None and updated_after.tzinfo is None:
        updated_after = updated_after.replace(tzinfo=UTC)
    where = DealFilter(
        status=DealStatus(status) if status else None, stage=DealStage(stage) if stage else None,
        partner_id=partner_id, vendor_id=vendor_id, updated_after=updated_after,
    )  # fmt: skip
    return DealPage.model_validate(await queries.list_deals(store, principal, where, limit=limit, cursor=cursor))


@router.get("/deals/{deal_id}", tags=["deals"], **ANSWER)
async def get_deal(deal_id: str, principal: CurrentPrincipal, store: Store, response: Response) -> DealOut:
    return _deal_out(await queries.visible_deal(store, principal, deal_id), principal, response)


@router.get("/deals/{deal_id}/history", tags=["deals"], **ANSWER)
async def get_deal_history(
    deal_id: str, principal: CurrentPrincipal, store: Store, limit: Limit = 50, cursor: Cursor = None
) -> HistoryPage:
    return HistoryPage.model_validate(await queries.deal_history(store, principal, deal_id, limit=limit, cursor=cursor))


@router.post("/deals/{deal_id}/decision", tags=["deals"], **ANSWER)
async def post_decision(deal_id: str, body: DecisionIn, work: DealWork, if_match: IfMatch = None) -> DealOut:
    return await work(lifecycle.decide, deal_id, body.decision, body.reason, if_match)


@router.post("/deals/{deal_id}/stage", tags=["deals"], **ANSWER)
async def post_stage(deal_id: str, body: StageIn, work: DealWork, if_match: IfMatch = None) -> DealOut:
    return await work(lifecycle.advance_stage, deal_id, body.stage, body.note, if_match)


@router.post("/deals/{deal_id}/close", tags=["deals"], **ANSWER)
async def post_close(deal_id: str, body: CloseIn, work: DealWork, if_match: IfMatch = None) -> DealOut:
    return await work(lifecycle.close, deal_id, body.outcome, body.final_amount, body.closed_on, body.reason, if_match)


@router.post("/deals/{deal_id}/extend", tags=["deals"], **ANSWER)
async def post_extend(deal_id: str, work: DealWork, body: ExtendIn | None = None, if_match: IfMatch = None) -> DealOut:
    return await work(lifecycle.extend, deal_id, if_match)
