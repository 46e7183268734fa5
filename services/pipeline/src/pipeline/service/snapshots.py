"""DealSnapshot <-> its row, and which (partner, vendor, period) figures a change touches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from typing import Any, NamedTuple

from sqlalchemy import Row

from pipeline.adapters.tables import DealRow
from pipeline.domain.periods import period_of
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome


class FiguresKey(NamedTuple):
    """Figures are kept per partner, vendor and period."""

    partner_id: str
    vendor_id: str
    period: str


def period_text(snapshot: DealSnapshot) -> str | None:
    """The quarter the deal counts in ("2026Q4"), or None when it has no close date."""
    day = snapshot.period_date
    return None if day is None else str(period_of(day))


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


def snapshot_of(row: DealRow | Row[Any]) -> DealSnapshot:
    """The snapshot of a deals row (an ORM object, or a plain row of the table's columns)."""
    return DealSnapshot(
        deal_id=row.deal_id,
        vendor_id=row.vendor_id,
        partner_id=row.partner_id,
        tier=row.tier,
        territory=row.territory,
        region=row.region,
        channel_manager=row.channel_manager,
        amount=row.amount,
        currency=row.currency,
        status=DealStatus(row.status),
        stage=DealStage(row.stage),
        expected_close_date=row.expected_close_date,
        closed_on=row.closed_on,
        outcome=None if row.outcome is None else Outcome(row.outcome),
        final_amount=row.final_amount,
        created_at=row.created_at,
        last_event_time=row.last_event_time,
        last_sequence=row.last_sequence,
    )


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


def affected_figures(before: DealSnapshot | None, after: DealSnapshot) -> list[FiguresKey]:
    """The figures a deal's change touches: its old and its new period (a moved close date
    changes both), sorted so that concurrent recomputations lock them in one order."""
    keys: set[FiguresKey] = set()
    for snap in (before, after):
        if snap is None:
            continue
        period = period_text(snap)
        if period is not None:
            keys.add(FiguresKey(snap.partner_id, snap.vendor_id, period))
    return sorted(keys)
