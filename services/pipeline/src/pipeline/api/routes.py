"""pipeline's HTTP routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from pipeline.adapters.tables import PlanRow, PolicyRow
from pipeline.api.preconditions import IfMatch, check_if_match
from pipeline.api.schemas import LeadWaterfallIn, PlanIn, PolicyIn
from pipeline.domain.figures import GroupBy, other_plans
from pipeline.domain.lead_waterfall import WaterfallInputError, lead_waterfall
from pipeline.domain.periods import Quarter, current_period
from pipeline.domain.policy import InvalidPolicyError, PipelinePolicy
from pipeline.service.enrolments import is_enrolled
from pipeline.service.figures import load_policy, partner_figures, reevaluate_vendor, refresh_figures
from pipeline.service.rollups import page_after, rollup_groups
from pipeline.service.snapshots import FiguresKey
from pipeline.service.views import figures_json, plan_json, policy_json
from servicekit.auth import CurrentPrincipal, require_vendor_access
from servicekit.db import DbSession
from servicekit.money import format_money
from servicekit.pagination import Cursor, decode_cursor, encode_cursor
from servicekit.problems import not_found, validation_problem

router = APIRouter(prefix="/v1")

VendorQuery = Annotated[str, Query(min_length=1, max_length=100)]
PeriodQuery = Annotated[
    str | None, Query(max_length=10, description="A quarter such as 2026Q4 (default: the current one).")
]
RollupLimit = Annotated[int, Query(ge=1, le=500)]


def _period(text: str | None, loc: list[str]) -> Quarter:
    if text is None:
        return current_period(datetime.now(UTC))
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise validation_problem([{"loc": loc, "msg": str(exc), "type": "value_error"}]) from None


# --- pipeline policies ---


@router.put("/vendors/{vendor_id}/pipeline-policy", tags=["policies"])
async def put_policy(
    vendor_id: str,
    body: PolicyIn,
    principal: CurrentPrincipal,
    session: DbSession,
    request: Request,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Set the policy (If-Match: the version last read; 0 while the defaults apply). Every
    partner with a plan is re-evaluated in the same transaction: pipeline-at-risk goes out at
    once for those whose coverage now falls below the threshold (and a recovery is recorded)."""
    require_vendor_access(principal, vendor_id, "set its pipeline policy")
    try:
        policy = PipelinePolicy(
            total_index=body.total_index,
            risk_adjusted_index=body.risk_adjusted_index,
            stage_probabilities=body.stage_probabilities,
            at_risk_threshold=body.at_risk_threshold,
        )
    except InvalidPolicyError as exc:
        raise validation_problem(
            [{"loc": ["body", *p.loc], "msg": p.msg, "type": "value_error"} for p in exc.problems]
        ) from None
    now = datetime.now(UTC)
    async with session.begin():
        row = await session.get(PolicyRow, vendor_id, with_for_update=True)
        check_if_match(if_match, 0 if row is None else row.version)
        values: dict[str, Any] = {
            "total_index": policy.total_index,
            "risk_adjusted_index": policy.risk_adjusted_index,
            "stage_probabilities": {k: f"{v:f}" for k, v in policy.stage_probabilities.items()},
            "at_risk_threshold": policy.at_risk_threshold,
            "updated_at": now,
        }
        if row is None:
            row = PolicyRow(vendor_id=vendor_id, version=1, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
            row.version += 1
        session.add(row)
        await session.flush()
        # Same transaction as the policy (events through the outbox): a crash loses neither.
        await reevaluate_vendor(session, vendor_id, request.app.state.topics)
    return policy_json(vendor_id, policy, row)


@router.get("/vendors/{vendor_id}/pipeline-policy", tags=["policies"])
async def get_policy(vendor_id: str, principal: CurrentPrincipal, session: DbSession) -> dict[str, Any]:
    require_vendor_access(principal, vendor_id, "read its pipeline policy")
    policy, row = await load_policy(session, vendor_id)
    return policy_json(vendor_id, policy, row)


# --- partner plans ---


@router.put("/plans/{partner_id}/{period}", tags=["plans"])
async def put_plan(
    partner_id: str,
    period: str,
    body: PlanIn,
    principal: CurrentPrincipal,
    session: DbSession,
    request: Request,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    """Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived."""
    quarter = _period(period, ["path", "period"])
    require_vendor_access(principal, body.vendor_id, "set its partners' plans")
    now = datetime.now(UTC)
    async with session.begin():
        if not await is_enrolled(session, partner_id, body.vendor_id):
            raise not_found("partner enrolled with this vendor")
        row = await session.get(PlanRow, (partner_id, body.vendor_id, str(quarter)), with_for_update=True)
        check_if_match(if_match, 0 if row is None else row.version)
        if row is None:
            row = PlanRow(
                partner_id=partner_id,
                vendor_id=body.vendor_id,
                period=str(quarter),
                revenue_target=body.revenue_target,
                currency=body.currency,
                updated_at=now,
                version=1,
            )
        else:
            row.revenue_target = body.revenue_target
            row.currency = body.currency
            row.updated_at = now
            row.version += 1
        session.add(row)
        await session.flush()
        # A new plan moves the targets and coverage: announce them like a deal change would.
        await refresh_figures(session, FiguresKey(partner_id, body.vendor_id, str(quarter)), request.app.state.topics)
    return plan_json(row)


@router.get("/plans/{partner_id}/{period}", tags=["plans"])
async def get_plan(
    partner_id: str, period: str, vendor_id: VendorQuery, principal: CurrentPrincipal, session: DbSession
) -> dict[str, Any]:
    quarter = _period(period, ["path", "period"])
    if not principal.sees(vendor_id=vendor_id, partner_id=partner_id):
        raise not_found("plan")
    row = await session.get(PlanRow, (partner_id, vendor_id, str(quarter)))
    # A plan of a partner not enrolled with the vendor does not exist for anyone.
    if row is None or not await is_enrolled(session, partner_id, vendor_id):
        raise not_found("plan")
    return plan_json(row)


# --- figures ---


@router.get("/partners/{partner_id}/pipeline", tags=["figures"])
async def get_partner_pipeline(
    partner_id: str,
    vendor_id: VendorQuery,
    principal: CurrentPrincipal,
    session: DbSession,
    period: PeriodQuery = None,
) -> dict[str, Any]:
    quarter = _period(period, ["query", "period"])
    if not principal.sees(vendor_id=vendor_id, partner_id=partner_id):
        raise not_found("partner pipeline")
    as_of = datetime.now(UTC)
    figures, _ = await partner_figures(session, partner_id, vendor_id, quarter)
    return {
        "partner_id": partner_id,
        "vendor_id": vendor_id,
        "period": str(quarter),
        **figures_json(figures),
        "as_of": as_of.isoformat(),
    }


@router.get("/rollups", tags=["figures"])
async def get_rollups(
    vendor_id: VendorQuery,
    principal: CurrentPrincipal,
    session: DbSession,
    period: PeriodQuery = None,
    by: Annotated[GroupBy, Query()] = "partner",
    limit: RollupLimit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    quarter = _period(period, ["query", "period"])
    require_vendor_access(principal, vendor_id, "see rollups of its partners")
    after = decode_cursor(cursor, ("unknown", "key"))
    as_of = datetime.now(UTC)
    policy, _ = await load_policy(session, vendor_id)
    groups = await rollup_groups(session, vendor_id, quarter, by, policy)
    page, next_key = page_after(groups, limit, after)
    return {
        "vendor_id": vendor_id,
        "period": str(quarter),
        "by": by,
        "items": [
            {"key": key, **figures_json(figures), "other_plans": _money_map(other_plans(plans, figures.currency))}
            for key, (figures, plans) in page
        ],
        "next_cursor": None if next_key is None else encode_cursor(next_key),
        "as_of": as_of.isoformat(),
    }


def _money_map(amounts: dict[str, Any]) -> dict[str, str]:
    return {currency: format_money(amount) for currency, amount in amounts.items()}


# --- lead waterfall ---


@router.post("/lead-waterfall", tags=["figures"])
async def post_lead_waterfall(body: LeadWaterfallIn, principal: CurrentPrincipal) -> dict[str, Any]:
    try:
        result = lead_waterfall(
            body.revenue_target,
            body.avg_deal_size,
            body.win_rate,
            body.lead_to_opportunity_rate,
            body.existing_pipeline,
        )
    except WaterfallInputError as exc:
        raise validation_problem([{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]) from None
    return {
        "remaining_revenue": format_money(result.remaining_revenue),
        "deals_needed": result.deals_needed,
        "opportunities_needed": result.opportunities_needed,
        "leads_needed": result.leads_needed,
    }
