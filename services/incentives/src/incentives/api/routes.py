"""incentives' HTTP routes: programs, the ledger, earnings, payouts, simulations.

Thin: read the request, build the command, call the use case (service/), map the result to
its response model. The rules and the refusals (domain errors) are the use cases'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Query, Request, Response

from incentives.api import examples
from incentives.api.dependencies import IF_MATCH_RESPONSES, IfMatch, Store
from incentives.api.schemas import (
    CurrencyFigures,
    DealEarningsOut,
    DealRewardsOut,
    EarningsOut,
    EntryOut,
    ForecastIn,
    LedgerPage,
    PayoutCreate,
    PayoutLineOut,
    PayoutOut,
    PayoutsOut,
    PayoutSummary,
    ProgramCreate,
    ProgramOut,
    ProgramPage,
    ProgramUpdate,
    SimulateRequest,
    SimulationOut,
)
from incentives.domain.payouts import Payout, payout_csv
from incentives.domain.simulation import SimulationResult
from incentives.service import ledger, payouts, programs
from incentives.service.ledger import CurrencyStatement
from incentives.service.ports import LedgerEntry, LedgerFilter
from incentives.service.programs import ForecastTerms, ProgramTerms, ProgramView
from incentives.service.proposals import simulation_json
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.money import format_money
from servicekit.pagination import Cursor, Limit

router = APIRouter(prefix="/v1")


class _Versioned(Protocol):
    @property
    def version(self) -> int: ...


_Body = TypeVar("_Body", bound=_Versioned)


def with_etag(response: Response, body: _Body) -> _Body:
    """The answer, its version in the ETag header (what If-Match names)."""
    response.headers["ETag"] = f'"{body.version}"'
    return body


def _money(value: Any) -> str | None:
    return format_money(value) if value is not None else None


def terms_of(body: ProgramCreate) -> ProgramTerms:
    return ProgramTerms(**body.model_dump())


def forecast_terms(body: ForecastIn) -> ForecastTerms:
    return ForecastTerms(**body.model_dump())


def program_out(view: ProgramView) -> ProgramOut:
    record, program = view.record, view.record.program
    return ProgramOut(
        **{name: getattr(program, name) for name in ("id", "vendor_id", "partner_id", "name", "currency")},
        starts_on=program.starts_on.isoformat(),
        ends_on=program.ends_on.isoformat(),
        registration_reward_pct=str(program.registration_reward_pct.normalize()),
        pay_registration_on=str(program.pay_registration_on),
        stage_bonuses=dict(record.stage_bonuses),
        close_won_pct=str(program.close_won_pct.normalize()),
        clawback_on_reject=program.clawback_on_reject,
        tier_multipliers=dict(record.tier_multipliers),
        cap_per_deal=_money(program.cap_per_deal),
        budget=_money(record.budget),
        spent=format_money(view.spent),
        remaining=_money(view.remaining),
        created_at=record.created_at.isoformat(),
        version=record.version,
    )


@router.post("/programs", status_code=201, tags=["programs"], openapi_extra=examples.CREATE_PROGRAM)
async def create_program(
    body: ProgramCreate, principal: CurrentPrincipal, session: DbSession, store: Store, response: Response
) -> ProgramOut:
    require_vendor_access(principal, body.vendor_id, "create its programs")
    async with session.begin():
        created = await programs.create_program(store, terms_of(body), datetime.now(UTC))
    response.headers["Location"] = f"/v1/programs/{created.record.program.id}"
    return program_out(created)


@router.get("/programs/{program_id}", tags=["programs"])
async def get_program(program_id: str, principal: CurrentPrincipal, store: Store, response: Response) -> ProgramOut:
    found = await programs.get_program(store, principal, program_id)
    return with_etag(response, program_out(found))


@router.patch("/programs/{program_id}", tags=["programs"], responses=IF_MATCH_RESPONSES)
async def patch_program(
    program_id: str,
    body: ProgramUpdate,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    response: Response,
    if_match: IfMatch = None,
) -> ProgramOut:
    """Rename a program or move its end (vendor or admin); If-Match: the version last read."""
    async with session.begin():
        changed = await programs.change_program(
            store, principal, program_id, name=body.name, ends_on=body.ends_on, if_match=if_match
        )
    return with_etag(response, program_out(changed))


@router.get("/programs", tags=["programs"])
async def list_programs(
    principal: CurrentPrincipal,
    store: Store,
    vendor_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ProgramPage:
    page, nxt = await programs.list_programs(store, principal, vendor_id=vendor_id, limit=limit, cursor=cursor)
    return ProgramPage(items=[program_out(v) for v in page], next_cursor=nxt)


_MONEY = ("amount", "requested", "cut")


def entry_out(entry: LedgerEntry) -> EntryOut:
    """An entry as the contract shows it: money as two-place strings, the time in ISO 8601."""
    shown = {name: getattr(entry, name) for name in EntryOut.model_fields}
    return EntryOut(
        **{**shown, **{m: format_money(shown[m]) for m in _MONEY}, "created_at": shown["created_at"].isoformat()}
    )


@router.get("/ledger", tags=["ledger"])
async def get_ledger(
    principal: CurrentPrincipal,
    store: Store,
    rep_id: Annotated[str | None, Query(max_length=100)] = None,
    partner_id: Annotated[str | None, Query(max_length=100)] = None,
    deal_id: Annotated[str | None, Query(max_length=100)] = None,
    program_id: Annotated[str | None, Query(max_length=100)] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> LedgerPage:
    where = LedgerFilter(rep_id=rep_id, partner_id=partner_id, deal_id=deal_id, program_id=program_id)
    page, nxt = await ledger.ledger_page(store, principal, where, limit=limit, cursor=cursor)
    return LedgerPage(items=[entry_out(e) for e in page], next_cursor=nxt)


@router.get("/deals/{deal_id}/rewards", tags=["ledger"], name="get_deal_rewards")
async def deal_rewards(deal_id: str, principal: CurrentPrincipal, store: Store) -> DealRewardsOut:
    found = await ledger.deal_rewards(store, principal, deal_id)
    return DealRewardsOut(
        deal_id=deal_id,
        currency=found.currency,
        net=format_money(found.net),
        items=[entry_out(e) for e in found.entries],
    )


def _figures(currency: str, figures: CurrencyStatement) -> CurrencyFigures:
    statement = figures.statement
    return CurrencyFigures(
        earned=format_money(statement.earned),
        clawed_back=format_money(statement.clawed_back),
        net=format_money(statement.net),
        paid=format_money(statement.paid),
        unpaid=format_money(statement.unpaid),
        by_kind={str(k): format_money(v) for k, v in statement.by_kind.items() if k in figures.kinds},
        deals=[
            DealEarningsOut(
                deal_id=d.deal_id,
                currency=currency,
                earned=format_money(d.earned),
                clawed_back=format_money(d.clawed_back),
                net=format_money(d.net),
            )
            for d in statement.deals
        ],
    )


@router.get("/reps/{rep_id}/earnings", tags=["earnings"], name="get_rep_earnings", openapi_extra=examples.REP_EARNINGS)
async def rep_earnings(
    rep_id: str,
    principal: CurrentPrincipal,
    store: Store,
    period: Annotated[str | None, Query(max_length=10, description="A quarter, e.g. 2026Q4")] = None,
    currency: Annotated[
        str | None, Query(pattern=r"^[A-Z]{3}$", description="Only this currency's rewards (ISO 4217).")
    ] = None,
) -> EarningsOut:
    """The rep's statement. Currencies are never added: with several and no `?currency=`, the
    top-level figures are null and `by_currency` holds each; `by_currency` is always there.

    A rep the caller cannot see and a rep that does not exist get the same 404.
    """
    statements = await ledger.rep_statements(store, principal, rep_id, period=period, currency=currency)
    by_currency = {c: _figures(c, s) for c, s in statements.items()}
    if len(by_currency) == 1:
        ((only, figures),) = by_currency.items()
        top: dict[str, Any] = {"currency": only, **figures.model_dump(exclude={"deals"})}
    else:
        top = dict.fromkeys(("currency", "earned", "clawed_back", "net", "paid", "unpaid", "by_kind"))
    return EarningsOut(
        rep_id=rep_id,
        period=period,
        **top,
        deals=[deal for figures in by_currency.values() for deal in figures.deals],
        by_currency=by_currency,
    )


def payout_out(payout: Payout) -> PayoutOut:
    return PayoutOut(**_payout_fields(payout))


def _payout_fields(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "vendor_id": payout.vendor_id,
        "up_to": payout.up_to.isoformat(),
        "currency": payout.currency,
        "total": format_money(payout.total),
        "totals": {payout.currency: format_money(payout.total)},
        "created_at": payout.created_at.isoformat(),
        "lines": [
            PayoutLineOut(
                rep_id=x.rep_id,
                partner_id=x.partner_id,
                amount=format_money(x.amount),
                currency=payout.currency,
                entry_count=x.entry_count,
            )
            for x in payout.lines
        ],
    }


@router.post("/payouts", status_code=201, tags=["payouts"])
async def post_payout(
    body: PayoutCreate,
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    store: Store,
    response: Response,
) -> PayoutsOut:
    """Pay every unpaid net reward up to `up_to`: one payout per currency owed (only `currency`, if given).

    The answer is the first payout (by currency code); `payouts` lists every payout this
    request created, each of one currency, so no amounts of two currencies are ever added.
    """
    require_vendor_access(principal, body.vendor_id, "create its payout batches")
    now = datetime.now(UTC)
    async with session.begin():
        booked = await payouts.create_payouts(
            store,
            vendor_id=body.vendor_id,
            up_to=body.up_to or now,
            currency=body.currency,
            topic=request.app.state.topics.incentives,
            now=now,
        )
    response.headers["Location"] = f"/v1/payouts/{booked.first.id}"
    return PayoutsOut(
        **_payout_fields(booked.first),
        payouts=[
            PayoutSummary(id=p.id, currency=p.currency, total=format_money(p.total), line_count=len(p.lines))
            for p in booked.created
        ],
    )


@router.get("/payouts/{payout_id}", tags=["payouts"])
async def get_payout(payout_id: str, principal: CurrentPrincipal, store: Store) -> PayoutOut:
    return payout_out(await payouts.get_payout(store, principal, payout_id))


@router.get(
    "/payouts/{payout_id}/lines.csv",
    tags=["payouts"],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "The payout's lines as CSV."}},
)
async def get_payout_csv(payout_id: str, principal: CurrentPrincipal, store: Store) -> Response:
    """The payout's lines as CSV; a cell that a spreadsheet would run as a formula is neutralised."""
    payout = await payouts.get_payout(store, principal, payout_id)
    return Response(
        payout_csv(payout),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="payout-{payout_id}.csv"'},
    )


def simulation_out(result: SimulationResult) -> SimulationOut:
    return SimulationOut(**simulation_json(result))


@router.post("/programs/simulate", tags=["programs"])
async def simulate_program(body: SimulateRequest, principal: CurrentPrincipal) -> SimulationOut:
    """Expected registrations, wins, revenue, payout and ROI; open to every role, stores nothing."""
    return simulation_out(programs.simulate_program(terms_of(body.program), forecast_terms(body.forecast)))
