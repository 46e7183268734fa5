"""Rollups read from the stored totals, and paged: keyset over (unknown-last, key), the order
rollup() and rollup_from_totals() return groups in."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from pipeline.adapters.tables import FIGURE_TOTALS, PlanRow
from pipeline.domain.figures import GroupBy, PipelineFigures, PlanAmount
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.rollups import rollup_by_currency
from pipeline.domain.totals import PeriodTotals
from pipeline.service.enrolments import vendor_attributes
from pipeline.service.totals import totals_of_row

T = TypeVar("T")


async def period_totals(session: AsyncSession, vendor_id: str, period: Quarter) -> dict[str, dict[str, PeriodTotals]]:
    """Each of the vendor's partners' stored totals of the period, per currency."""
    query = select(FIGURE_TOTALS).where(FIGURE_TOTALS.c.vendor_id == vendor_id, FIGURE_TOTALS.c.period == str(period))
    out: dict[str, dict[str, PeriodTotals]] = {}
    for row in (await session.execute(query)).all():
        out.setdefault(row.partner_id, {})[row.currency] = totals_of_row(row)
    return out


async def period_plans(session: AsyncSession, vendor_id: str, period: Quarter) -> dict[str, PlanAmount]:
    query = select(col(PlanRow.partner_id), col(PlanRow.revenue_target), col(PlanRow.currency)).where(
        col(PlanRow.vendor_id) == vendor_id, col(PlanRow.period) == str(period)
    )
    return {row.partner_id: (row.revenue_target, row.currency) for row in (await session.execute(query)).all()}


async def rollup_groups(
    session: AsyncSession, vendor_id: str, period: Quarter, by: GroupBy, policy: PipelinePolicy
) -> list[tuple[str | None, tuple[PipelineFigures, list[PlanAmount]]]]:
    """Every group of the vendor's rollup for the period, currencies kept apart (with the group's
    plans): O(partners), whatever the deal count."""
    totals = await period_totals(session, vendor_id, period)
    plans = await period_plans(session, vendor_id, period)
    # Grouping by partner needs no attributes.
    attributes = {} if by == "partner" else await vendor_attributes(session, vendor_id)
    rows = rollup_by_currency(totals, plans, policy, by=by, partner_attributes=attributes)
    return [(key, (figures, group_plans)) for key, figures, group_plans in rows]


def sort_key(key: str | None) -> tuple[bool, str]:
    return (key is None, key or "")


def cursor_key(key: str | None) -> dict[str, Any]:
    return {"unknown": key is None, "key": key or ""}


def page_after(
    groups: list[tuple[str | None, T]], limit: int, after: dict[str, Any] | None
) -> tuple[list[tuple[str | None, T]], dict[str, Any] | None]:
    """Up to `limit` groups following `after` (a cursor_key), and the cursor key of the next page."""
    start = (bool(after["unknown"]), str(after["key"])) if after else None
    rest = [g for g in groups if start is None or sort_key(g[0]) > start]
    page = rest[:limit]
    more = len(rest) > limit
    return page, (cursor_key(page[-1][0]) if more and page else None)
