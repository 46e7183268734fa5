"""Rollups read from the stored totals, and paged: keyset over (unknown-last, key), the order
rollup() and rollup_from_totals() return groups in."""

from __future__ import annotations

from typing import Any, TypeVar

from pipeline.domain.figures import GroupBy, PipelineFigures, PlanAmount
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.rollups import rollup_by_currency
from pipeline.service.enrolments import vendor_attributes
from pipeline.service.ports import PipelineStore

T = TypeVar("T")


async def rollup_groups(
    store: PipelineStore, vendor_id: str, period: Quarter, by: GroupBy, policy: PipelinePolicy
) -> list[tuple[str | None, tuple[PipelineFigures, list[PlanAmount]]]]:
    """Every group of the vendor's rollup for the period, currencies kept apart (with the group's
    plans): O(partners), whatever the deal count."""
    totals = await store.period_totals(vendor_id, str(period))
    plans = await store.period_plans(vendor_id, str(period))
    # Grouping by partner needs no attributes.
    attributes = {} if by == "partner" else await vendor_attributes(store, vendor_id)
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
