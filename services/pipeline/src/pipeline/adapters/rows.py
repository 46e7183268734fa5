"""Rows <-> domain objects: a DealSnapshot and its deals row, a policy, a plan, a totals row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from decimal import Decimal
from typing import Any

from sqlalchemy import Row

from pipeline.adapters.tables import OPEN_AMOUNT_COLUMNS, OPEN_COUNT_COLUMNS, DealRow, PlanRow
from pipeline.domain.keys import period_text
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome
from pipeline.domain.records import Plan
from pipeline.domain.totals import ZERO, PeriodTotals


def snapshot_values(snapshot: DealSnapshot) -> dict[str, Any]:
    """The row's column values for a snapshot."""
    return {
        "deal_id": snapshot.deal_id,
        "vendor_id": snapshot.vendor_id,
        "partner_id": snapshot.partner_id,
        "period": period_text(snapshot),
        "tier": snapshot.tier,
        "territory": snapshot.territory,
        "region": snapshot.region,
        "channel_manager": snapshot.channel_manager,
        "amount": snapshot.amount,
        "currency": snapshot.currency,
        "status": snapshot.status.value,
        "stage": snapshot.stage.value,
        "expected_close_date": snapshot.expected_close_date,
        "closed_on": snapshot.closed_on,
        "outcome": None if snapshot.outcome is None else snapshot.outcome.value,
        "final_amount": snapshot.final_amount,
        "created_at": snapshot.created_at,
        "last_event_time": snapshot.last_event_time,
        "last_sequence": snapshot.last_sequence,
    }


# The deals columns in DealSnapshot's field order: select them in this order and build
# snapshots by position (a Row's attribute access and Enum(value) cost more than the rest of a
# figures refresh over thousands of deals).
SNAPSHOT_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(DealSnapshot))
_STATUSES = {s.value: s for s in DealStatus}
_STAGES = {s.value: s for s in DealStage}
_OUTCOMES: dict[str | None, Outcome | None] = {None: None, **{o.value: o for o in Outcome}}
_STATUS_AT, _STAGE_AT, _OUTCOME_AT = (SNAPSHOT_COLUMNS.index(n) for n in ("status", "stage", "outcome"))


def snapshot_of_values(values: Sequence[Any]) -> DealSnapshot:
    """The snapshot of the SNAPSHOT_COLUMNS of a deals row, in that order."""
    fields_ = list(values)
    fields_[_STATUS_AT] = _STATUSES[fields_[_STATUS_AT]]
    fields_[_STAGE_AT] = _STAGES[fields_[_STAGE_AT]]
    fields_[_OUTCOME_AT] = _OUTCOMES[fields_[_OUTCOME_AT]]
    return DealSnapshot(*fields_)


def snapshot_of(row: DealRow | Row[Any]) -> DealSnapshot:
    """The snapshot of a deals row (an ORM object, or a plain row of the table's columns)."""
    return snapshot_of_values([getattr(row, name) for name in SNAPSHOT_COLUMNS])


def policy_of(row: Any) -> PipelinePolicy:
    """The policy of a pipeline_policies row (or a row carrying its columns); the contract's
    defaults when the vendor has not set one (None)."""
    if row is None:
        return PipelinePolicy()
    return PipelinePolicy(
        total_index=row.total_index,
        risk_adjusted_index=row.risk_adjusted_index,
        stage_probabilities={k: Decimal(str(v)) for k, v in row.stage_probabilities.items()},
        at_risk_threshold=row.at_risk_threshold,
    )


def plan_of(row: PlanRow) -> Plan:
    return Plan(**{f.name: getattr(row, f.name) for f in fields(Plan)})


def totals_of_row(row: Any) -> PeriodTotals:
    """The PeriodTotals of a row carrying SUM_COLUMNS (ZERO when the key has no row: its
    columns are NULL in an outer join)."""
    if getattr(row, "won_count", None) is None:
        return ZERO
    return PeriodTotals(
        open_counts=tuple(int(getattr(row, c)) for c in OPEN_COUNT_COLUMNS),
        open_amounts=tuple(Decimal(getattr(row, c)) for c in OPEN_AMOUNT_COLUMNS),
        won_count=int(row.won_count),
        won_amount=Decimal(row.won_amount),
        lost_count=int(row.lost_count),
        cycle_days=int(row.cycle_days),
        cycle_count=int(row.cycle_count),
        deal_count=int(row.deal_count),
    )


def totals_values(totals: PeriodTotals) -> dict[str, int | Decimal]:
    """A PeriodTotals as figure_totals' SUM_COLUMNS."""
    values: dict[str, int | Decimal] = dict(zip(OPEN_COUNT_COLUMNS, totals.open_counts, strict=True))
    values.update(zip(OPEN_AMOUNT_COLUMNS, totals.open_amounts, strict=True))
    values.update(
        won_count=totals.won_count,
        won_amount=totals.won_amount,
        lost_count=totals.lost_count,
        cycle_days=totals.cycle_days,
        cycle_count=totals.cycle_count,
        deal_count=totals.deal_count,
    )
    return values
