"""How each deal change moves figure_totals: a delta per (partner, vendor, period, currency).

A deal adds to the totals of its own currency only, so no sum ever mixes two currencies (the
figures pick a currency: domain.figures). The consumer and the rebuild both go through
totals_deltas, so they leave the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import NamedTuple

from pipeline.domain.keys import FiguresKey, period_text
from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.totals import ZERO, PeriodTotals, contribution
from servicekit.money import to_cents


class TotalsKey(NamedTuple):
    """figure_totals' key: one partner's deals of one vendor, period and currency."""

    partner_id: str
    vendor_id: str
    period: str
    currency: str

    @property
    def figures_key(self) -> FiguresKey:
        return FiguresKey(self.partner_id, self.vendor_id, self.period)


def as_stored(snapshot: DealSnapshot) -> DealSnapshot:
    """The snapshot as the deals table holds it (money NUMERIC(18, 2), rounded half-up as
    PostgreSQL does): the totals must add what a later read of the row will subtract."""
    amount = to_cents(snapshot.amount)
    final = None if snapshot.final_amount is None else to_cents(snapshot.final_amount)
    if amount == snapshot.amount and final == snapshot.final_amount:
        return snapshot
    return replace(snapshot, amount=amount, final_amount=final)


def keyed_contribution(snapshot: DealSnapshot) -> tuple[TotalsKey, PeriodTotals] | None:
    """The key of the period (and currency) the deal counts in and what it adds there (None: no
    close date)."""
    period = period_text(snapshot)
    if period is None:
        return None
    key = TotalsKey(snapshot.partner_id, snapshot.vendor_id, period, snapshot.currency)
    return key, contribution(as_stored(snapshot), Quarter.parse(period))


def totals_deltas(changes: Iterable[tuple[DealSnapshot | None, DealSnapshot]]) -> dict[TotalsKey, PeriodTotals]:
    """The net change of each key's totals for deals going from `before` (None: new) to
    `after`; a deal moving quarters, partners or currencies moves two keys. Keys left unchanged
    are omitted."""
    deltas: dict[TotalsKey, PeriodTotals] = {}
    for before, after in changes:
        for snapshot, sign in ((before, -1), (after, 1)):
            found = None if snapshot is None else keyed_contribution(snapshot)
            if found is None:
                continue
            key, part = found
            current = deltas.get(key, ZERO)
            deltas[key] = current + part if sign > 0 else current - part
    return {key: delta for key, delta in sorted(deltas.items()) if not delta.is_zero}
