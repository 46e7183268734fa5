"""The scorecard routes: parse, call the use case (service/scorecards.py), shape the answer."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request

from pipeline.api.dependencies import IfMatch, Store
from pipeline.api.scorecard_schemas import (
    ActivityOut,
    PartnerActivityOut,
    ScorecardOut,
    ScorecardsOut,
    WeightsIn,
    WeightsOut,
)
from pipeline.domain.scorecards import Activity, Scorecard
from pipeline.service import scorecards
from pipeline.service.scorecard_ports import ScorecardStore, WeightsRecord
from pipeline.service.scorecard_views import activity_json, scorecard_json
from servicekit.auth import CurrentPrincipal
from servicekit.db import DbSession
from servicekit.pagination import Cursor

router = APIRouter(prefix="/v1")

Sort = Literal[
    "score",
    "registrations",
    "approved",
    "rejected",
    "approval_rate",
    "median_hours_to_decision",
    "sla_breaches",
    "conflict_rate",
    "won",
    "lost",
    "win_rate",
    "avg_deal_size",
    "avg_cycle_days",
    "sales_velocity",
    "coverage",
    "performance_to_plan",
    "rewards_net",
]  # fmt: skip  (domain.scorecards.SORTS; a test checks they agree)


def get_scorecard_store(request: Request, session: DbSession) -> ScorecardStore:
    """The scorecard store main.py put on app.state, on this request's session."""
    store: ScorecardStore = request.app.state.scorecard_store(session)
    return store


Cards = Annotated[ScorecardStore, Depends(get_scorecard_store)]
VendorQuery = Annotated[str, Query(min_length=1, max_length=100)]
PeriodQuery = Annotated[
    str | None, Query(max_length=10, description="A quarter such as 2026Q4 (default: the current one).")
]
Term = Annotated[str | None, Query(min_length=1, max_length=100)]


def _card_out(card: Scorecard, vendor_id: str, period: str, as_of: str) -> ScorecardOut:
    return ScorecardOut.model_validate({**scorecard_json(card, vendor_id, period), "as_of": as_of})


def _weights_out(record: WeightsRecord) -> WeightsOut:
    return WeightsOut(
        vendor_id=record.vendor_id,
        weights={m: f"{w:f}" for m, w in record.weights.items()},
        is_default=record.version == 0,
        version=record.version,
    )


def _activity_out(found: Activity) -> ActivityOut:
    return ActivityOut.model_validate(activity_json(found))


@router.get("/partners/{partner_id}/scorecard", tags=["scorecards"])
async def get_partner_scorecard(
    partner_id: str,
    vendor_id: VendorQuery,
    principal: CurrentPrincipal,
    store: Store,
    cards: Cards,
    period: PeriodQuery = None,
) -> ScorecardOut:
    """The partner's scorecard for the period; its peers (all the vendor's partners) appear only
    as percentiles and medians."""
    found, card = await scorecards.partner_scorecard(store, cards, principal, partner_id, vendor_id, period)
    return _card_out(card, found.vendor_id, found.period, found.as_of.isoformat())


@router.get("/scorecards", tags=["scorecards"])
async def get_scorecards(
    vendor_id: VendorQuery,
    principal: CurrentPrincipal,
    store: Store,
    cards: Cards,
    period: PeriodQuery = None,
    sort: Annotated[Sort, Query(description="score or a metric name; best first in its direction.")] = "score",
    tier: Annotated[int | None, Query(ge=0, le=1000)] = None,
    territory: Term = None,
    region: Term = None,
    channel_manager: Term = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Cursor = None,
) -> ScorecardsOut:
    """The vendor's partners ranked best first (an aggregator or partner sees only its own partners)."""
    filters = scorecards.Filters(tier, territory, region, channel_manager)
    page = await scorecards.list_scorecards(store, cards, principal, vendor_id, period, sort, filters, limit, cursor)
    as_of = page.as_of.isoformat()
    return ScorecardsOut(
        vendor_id=page.vendor_id,
        period=page.period,
        sort=page.sort,
        items=[_card_out(c, page.vendor_id, page.period, as_of) for c in page.items],
        next_cursor=page.next_cursor,
        as_of=as_of,
    )


@router.get("/vendors/{vendor_id}/scorecard-weights", tags=["scorecards"])
async def get_scorecard_weights(vendor_id: str, principal: CurrentPrincipal, cards: Cards) -> WeightsOut:
    return _weights_out(await scorecards.get_weights(cards, principal, vendor_id))


@router.put("/vendors/{vendor_id}/scorecard-weights", tags=["scorecards"])
async def put_scorecard_weights(
    vendor_id: str, body: WeightsIn, principal: CurrentPrincipal, cards: Cards, if_match: IfMatch = None
) -> WeightsOut:
    """Replace the weights (If-Match: the version last read; 0 while the defaults apply)."""
    weights = body.weights.model_dump(exclude_none=True)
    return _weights_out(await scorecards.set_weights(cards, principal, vendor_id, weights, if_match))


@router.get("/vendors/{vendor_id}/partner-activity", tags=["scorecards"])
async def get_partner_activity(
    vendor_id: str, principal: CurrentPrincipal, cards: Cards, period: PeriodQuery = None
) -> PartnerActivityOut:
    now, trend = await scorecards.partner_activity(cards, principal, vendor_id, period)
    return PartnerActivityOut.model_validate(
        {**activity_json(now), "vendor_id": vendor_id, "trend": [activity_json(a) for a in trend]}
    )
