"""What the figures routes answer: a partner's pipeline, a vendor's rollups (a page of groups),
and the lead waterfall."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from pipeline.domain.figures import GroupBy, PipelineFigures, other_plans
from pipeline.domain.lead_waterfall import LeadWaterfall, WaterfallInputError, lead_waterfall
from pipeline.service.access import quarter_of, require_vendor_access
from pipeline.service.figures import partner_figures
from pipeline.service.ports import PipelineStore
from pipeline.service.rollups import page_after, rollup_groups
from servicekit.cursors import decode_cursor, encode_cursor
from servicekit.errors import InvalidInput, NotFound
from servicekit.principal import Principal


@dataclass(frozen=True)
class PartnerPipeline:
    partner_id: str
    vendor_id: str
    period: str
    figures: PipelineFigures
    as_of: datetime


@dataclass(frozen=True)
class RollupGroup:
    key: str | None
    figures: PipelineFigures
    other_plans: dict[str, Decimal]  # plans in currencies other than the figures'


@dataclass(frozen=True)
class RollupPage:
    vendor_id: str
    period: str
    by: GroupBy
    items: list[RollupGroup]
    next_cursor: str | None
    as_of: datetime


async def partner_pipeline(
    store: PipelineStore, principal: Principal, partner_id: str, vendor_id: str, period: str | None
) -> PartnerPipeline:
    quarter = quarter_of(period, ["query", "period"])
    if not principal.sees(vendor_id=vendor_id, partner_id=partner_id):
        raise NotFound("partner pipeline")
    as_of = datetime.now(UTC)
    figures, _ = await partner_figures(store, partner_id, vendor_id, quarter)
    return PartnerPipeline(partner_id, vendor_id, str(quarter), figures, as_of)


async def rollups(
    store: PipelineStore,
    principal: Principal,
    vendor_id: str,
    period: str | None,
    by: GroupBy,
    limit: int,
    cursor: str | None,
) -> RollupPage:
    """One page of the vendor's rollup groups for the period (keyset: the cursor names the last group seen)."""
    quarter = quarter_of(period, ["query", "period"])
    require_vendor_access(principal, vendor_id, "see rollups of its partners")
    after = decode_cursor(cursor, ("unknown", "key"))
    as_of = datetime.now(UTC)
    policy, _ = await store.policy(vendor_id)
    groups = await rollup_groups(store, vendor_id, quarter, by, policy)
    page, next_key = page_after(groups, limit, after)
    items = [RollupGroup(key, figures, other_plans(plans, figures.currency)) for key, (figures, plans) in page]
    next_cursor = None if next_key is None else encode_cursor(next_key)
    return RollupPage(vendor_id, str(quarter), by, items, next_cursor, as_of)


@dataclass(frozen=True)
class PlanLeads:
    revenue_target: Decimal
    avg_deal_size: Decimal
    win_rate: Decimal
    lead_to_opportunity_rate: Decimal
    existing_pipeline: Decimal


def plan_leads(command: PlanLeads) -> LeadWaterfall:
    """The lead waterfall of a target; 422 naming the body field a rate or amount breaks."""
    try:
        return lead_waterfall(
            command.revenue_target,
            command.avg_deal_size,
            command.win_rate,
            command.lead_to_opportunity_rate,
            command.existing_pipeline,
        )
    except WaterfallInputError as exc:
        raise InvalidInput([{"loc": ["body", exc.field], "msg": str(exc), "type": "value_error"}]) from None
