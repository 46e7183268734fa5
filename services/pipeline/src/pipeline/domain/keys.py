"""Which (partner, vendor, period) figures a deal's change touches."""

from __future__ import annotations

from typing import NamedTuple

from pipeline.domain.periods import period_of
from pipeline.domain.read_model import DealSnapshot


class FiguresKey(NamedTuple):
    """Figures are kept per partner, vendor and period."""

    partner_id: str
    vendor_id: str
    period: str


def figures_lock_name(key: FiguresKey) -> str:
    """The name a key's figures lock is taken under."""
    return "|".join(key)


def period_text(snapshot: DealSnapshot) -> str | None:
    """The quarter the deal counts in ("2026Q4"), or None when it has no close date."""
    day = snapshot.period_date
    return None if day is None else str(period_of(day))


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
