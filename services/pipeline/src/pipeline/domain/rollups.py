"""Rollups from per-partner period totals: what figures.rollup computes over the deals, from the
sums the consumer keeps (O(partners), not O(deals)), and the partner attributes groups come from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal

from pipeline.domain.figures import (
    GroupBy,
    PipelineFigures,
    PlanAmount,
    figures_by_currency,
    figures_from_totals,
    group_partners,
)
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, PartnerAttributes
from pipeline.domain.totals import ZERO, PeriodTotals

_UNKNOWN = PartnerAttributes()


def rollup_from_totals(
    totals_by_partner: Mapping[str, PeriodTotals],
    plans: Mapping[str, Decimal | None],
    policy: PipelinePolicy,
    by: GroupBy = "partner",
    partner_attributes: Mapping[str, PartnerAttributes] | None = None,
) -> list[tuple[str | None, PipelineFigures]]:
    """figures.rollup of a period, from each partner's totals of that period.

    Same groups, order and figures as rollup over the deals those totals sum: a partner counts
    when it has a plan or a deal placed in the period (deal_count, whatever the deal's status);
    a partner without known attributes groups under None (unknown, listed last).
    """
    known = partner_attributes or {}
    groups = group_partners(
        {*totals_by_partner, *plans},
        plans,
        by,
        key_attributes=lambda p: known.get(p, _UNKNOWN),
        counts=lambda p: totals_by_partner.get(p, ZERO).deal_count > 0,
    )
    return [
        (key, figures_from_totals(sum((totals_by_partner.get(p, ZERO) for p in partners), ZERO), plan, policy))
        for key, partners, plan in groups
    ]


def rollup_by_currency(
    totals_by_partner: Mapping[str, Mapping[str, PeriodTotals]],
    plans: Mapping[str, PlanAmount],
    policy: PipelinePolicy,
    by: GroupBy = "partner",
    partner_attributes: Mapping[str, PartnerAttributes] | None = None,
) -> list[tuple[str | None, PipelineFigures, list[PlanAmount]]]:
    """rollup_from_totals with currencies kept apart: each group's figures are
    figures_by_currency of its partners' per-currency totals and plans (the reporting currency is
    the one most of its plans are in, else the one most of its deals are in). Also returns each
    group's plans, so a caller can show those in other currencies (figures.other_plans).

    Groups, their order and who is listed are rollup_from_totals': a partner counts when it has
    a plan or a deal placed in the period in any currency.
    """
    known = partner_attributes or {}

    def deal_count(partner: str) -> int:
        return sum(t.deal_count for t in totals_by_partner.get(partner, {}).values())

    groups = group_partners(
        {*totals_by_partner, *plans},
        {p: amount for p, (amount, _) in plans.items()},
        by,
        key_attributes=lambda p: known.get(p, _UNKNOWN),
        counts=lambda p: deal_count(p) > 0,
    )
    out: list[tuple[str | None, PipelineFigures, list[PlanAmount]]] = []
    for key, partners, _ in groups:
        summed: dict[str, PeriodTotals] = {}
        for partner in partners:
            for currency, totals in totals_by_partner.get(partner, {}).items():
                summed[currency] = summed.get(currency, ZERO) + totals
        group_plans = [plans[p] for p in partners if p in plans]
        out.append((key, figures_by_currency(summed, group_plans, policy), group_plans))
    return out


def newest_attributes(
    snapshots: Iterable[DealSnapshot],
) -> dict[tuple[str, str], tuple[PartnerAttributes, datetime]]:
    """Per (vendor, partner): the attributes of its deal with the latest event time, and that
    time (the first such deal on a tie, as max() picks)."""
    newest: dict[tuple[str, str], DealSnapshot] = {}
    for snapshot in snapshots:
        key = (snapshot.vendor_id, snapshot.partner_id)
        current = newest.get(key)
        if current is None or snapshot.last_event_time > current.last_event_time:
            newest[key] = snapshot
    return {key: (s.partner_attributes, s.last_event_time) for key, s in sorted(newest.items())}
