"""A partner's plan (its revenue target for a quarter): read it, and set it (its figures announced)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from events.topics import TopicNames
from pipeline.domain.keys import FiguresKey
from pipeline.domain.records import Plan
from pipeline.service.access import quarter_of, require_vendor_access
from pipeline.service.figures import refresh_figures
from pipeline.service.ports import PipelineStore
from servicekit.errors import NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal


@dataclass(frozen=True)
class SetPlan:
    partner_id: str
    period: str
    vendor_id: str
    revenue_target: Decimal
    currency: str
    if_match: str | None = None


async def set_plan(store: PipelineStore, principal: Principal, command: SetPlan, topics: TopicNames) -> Plan:
    """Set a partner's plan. 404 unless the partner is enrolled with the vendor, as dealreg's
    partners.v1 events have told this service: right after enrolling a partner in dealreg, its
    partner-enrolled event may still be on its way, and the PUT is 404 until it has arrived."""
    period = str(quarter_of(command.period, ["path", "period"]))
    require_vendor_access(principal, command.vendor_id, "set its partners' plans")
    now = datetime.now(UTC)
    async with store.transaction():
        if not await store.is_enrolled(command.partner_id, command.vendor_id):
            raise NotFound("partner enrolled with this vendor")
        current = await store.plan(command.partner_id, command.vendor_id, period, for_update=True)
        check_if_match(command.if_match, 0 if current is None else current.version)
        plan = Plan(
            partner_id=command.partner_id,
            vendor_id=command.vendor_id,
            period=period,
            revenue_target=command.revenue_target,
            currency=command.currency,
            updated_at=now,
            version=1 if current is None else current.version + 1,
        )
        await store.save_plan(plan)
        # A new plan moves the targets and coverage: announce them like a deal change would.
        await refresh_figures(store, FiguresKey(command.partner_id, command.vendor_id, period), topics)
    return plan


async def get_plan(store: PipelineStore, principal: Principal, partner_id: str, period: str, vendor_id: str) -> Plan:
    quarter = str(quarter_of(period, ["path", "period"]))
    if not principal.sees(vendor_id=vendor_id, partner_id=partner_id):
        raise NotFound("plan")
    plan = await store.plan(partner_id, vendor_id, quarter)
    # A plan of a partner not enrolled with the vendor does not exist for anyone.
    if plan is None or not await store.is_enrolled(partner_id, vendor_id):
        raise NotFound("plan")
    return plan
