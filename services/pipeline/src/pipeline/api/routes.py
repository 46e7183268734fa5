"""pipeline's HTTP routes: parse, call the use case, shape the answer."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from pipeline.api.dependencies import IfMatch, Store, Topics
from pipeline.api.schemas import (
    LeadWaterfallIn,
    LeadWaterfallOut,
    PartnerPipelineOut,
    PlanIn,
    PlanOut,
    PolicyIn,
    PolicyOut,
    RollupGroupOut,
    RollupsOut,
)
from pipeline.domain.figures import GroupBy
from pipeline.service import plans, policies, queries
from pipeline.service.views import figures_json, plan_json, policy_json
from servicekit.auth import CurrentPrincipal
from servicekit.money import format_money
from servicekit.pagination import Cursor

router = APIRouter(prefix="/v1")

VendorQuery = Annotated[str, Query(min_length=1, max_length=100)]
PeriodQuery = Annotated[
    str | None, Query(max_length=10, description="A quarter such as 2026Q4 (default: the current one).")
]
RollupLimit = Annotated[int, Query(ge=1, le=500)]


def _policy_out(view: policies.PolicyView) -> PolicyOut:
    return PolicyOut.model_validate(policy_json(view.vendor_id, view.policy, view.stored))


# --- pipeline policies ---


@router.put("/vendors/{vendor_id}/pipeline-policy", tags=["policies"], name="put_pipeline_policy")
async def put_policy(
    vendor_id: str, body: PolicyIn, principal: CurrentPrincipal, store: Store, topics: Topics, if_match: IfMatch = None
) -> PolicyOut:
    """Set the policy (If-Match: the version last read; 0 while the defaults apply). Every
    partner with a plan is re-evaluated in the same transaction: pipeline-at-risk goes out at
    once for those whose coverage now falls below the threshold (and a recovery is recorded)."""
    command = policies.SetPolicy(vendor_id=vendor_id, **body.model_dump(), if_match=if_match)
    return _policy_out(await policies.set_policy(store, principal, command, topics))


@router.get("/vendors/{vendor_id}/pipeline-policy", tags=["policies"], name="get_pipeline_policy")
async def get_policy(vendor_id: str, principal: CurrentPrincipal, store: Store) -> PolicyOut:
    return _policy_out(await policies.get_policy(store, principal, vendor_id))


# --- partner plans ---


@router.put("/plans/{partner_id}/{period}", tags=["plans"])
async def put_plan(
    partner_id: str,
    period: str,
    body: PlanIn,
    principal: CurrentPrincipal,
    store: Store,
    topics: Topics,
    if_match: IfMatch = None,
) -> PlanOut:
    """Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived."""
    command = plans.SetPlan(partner_id=partner_id, period=period, **body.model_dump(), if_match=if_match)
    return PlanOut.model_validate(plan_json(await plans.set_plan(store, principal, command, topics)))


@router.get("/plans/{partner_id}/{period}", tags=["plans"])
async def get_plan(
    partner_id: str, period: str, vendor_id: VendorQuery, principal: CurrentPrincipal, store: Store
) -> PlanOut:
    return PlanOut.model_validate(plan_json(await plans.get_plan(store, principal, partner_id, period, vendor_id)))


# --- figures ---


@router.get("/partners/{partner_id}/pipeline", tags=["figures"])
async def get_partner_pipeline(
    partner_id: str, vendor_id: VendorQuery, principal: CurrentPrincipal, store: Store, period: PeriodQuery = None
) -> PartnerPipelineOut:
    found = await queries.partner_pipeline(store, principal, partner_id, vendor_id, period)
    return PartnerPipelineOut.model_validate(
        {
            "partner_id": found.partner_id,
            "vendor_id": found.vendor_id,
            "period": found.period,
            **figures_json(found.figures),
            "as_of": found.as_of.isoformat(),
        }
    )


@router.get("/rollups", tags=["figures"])
async def get_rollups(
    vendor_id: VendorQuery,
    principal: CurrentPrincipal,
    store: Store,
    period: PeriodQuery = None,
    by: Annotated[GroupBy, Query()] = "partner",
    limit: RollupLimit = 50,
    cursor: Cursor = None,
) -> RollupsOut:
    page = await queries.rollups(store, principal, vendor_id, period, by, limit, cursor)
    items = [
        RollupGroupOut.model_validate(
            {
                "key": group.key,
                **figures_json(group.figures),
                "other_plans": {c: format_money(amount) for c, amount in group.other_plans.items()},
            }
        )
        for group in page.items
    ]
    return RollupsOut(
        vendor_id=page.vendor_id,
        period=page.period,
        by=page.by,
        items=items,
        next_cursor=page.next_cursor,
        as_of=page.as_of.isoformat(),
    )


# --- lead waterfall ---


@router.post("/lead-waterfall", tags=["figures"])
async def post_lead_waterfall(body: LeadWaterfallIn, principal: CurrentPrincipal) -> LeadWaterfallOut:
    result = queries.plan_leads(queries.PlanLeads(**body.model_dump()))
    return LeadWaterfallOut(
        remaining_revenue=format_money(result.remaining_revenue),
        deals_needed=result.deals_needed,
        opportunities_needed=result.opportunities_needed,
        leads_needed=result.leads_needed,
    )
