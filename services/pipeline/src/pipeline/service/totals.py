"""figure_totals kept up to date: each deal change moves its keys' totals by a delta.

A key is (partner, vendor, period, currency): a deal adds to the totals of its own currency
only, so no sum ever mixes two currencies (the figures pick a currency: domain.figures).

Both consumer paths (deal_events, deal_batches) and the rebuild go through totals_deltas and
apply_totals_deltas, so they all leave the same rows. The deltas are applied in the transaction
that writes the deals, under the keys' figures locks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlmodel.ext.asyncio.session import AsyncSession

from pipeline.adapters.tables import (
    FIGURE_TOTALS,
    MONEY_SUM_COLUMNS,
    OPEN_AMOUNT_COLUMNS,
    OPEN_COUNT_COLUMNS,
    SUM_COLUMNS,
)
from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.totals import ZERO, PeriodTotals, contribution
from pipeline.service.snapshots import FiguresKey, period_text
from servicekit.money import to_cents

_KEY_COLUMNS = ("partner_id", "vendor_id", "period", "currency")


class TotalsKey(NamedTuple):
    """figure_totals' key: one partner's deals of one vendor, period and currency."""

    partner_id: str
    vendor_id: str
    period: str
    currency: str

    @property
    def figures_key(self) -> FiguresKey:
        return FiguresKey(self.partner_id, self.vendor_id, self.period)


# Any number of keys in one statement (one array per column), added to what is stored.
_ADD_TOTALS = text(  # built from the table's own column names only
    f"INSERT INTO {FIGURE_TOTALS.name} ({', '.join((*_KEY_COLUMNS, *SUM_COLUMNS))}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS text[])" for c in _KEY_COLUMNS)
    + ", "
    + ", ".join(f"CAST(:{c} AS {'numeric' if c in MONEY_SUM_COLUMNS else 'bigint'}[])" for c in SUM_COLUMNS)
    + ") ON CONFLICT (partner_id, vendor_id, period, currency) DO UPDATE SET "
    + ", ".join(f"{c} = {FIGURE_TOTALS.name}.{c} + EXCLUDED.{c}" for c in SUM_COLUMNS)
)


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


def _sum_values(totals: PeriodTotals) -> dict[str, int | Decimal]:
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


async def apply_totals_deltas(
    connection: AsyncSession | AsyncConnection, deltas: Mapping[TotalsKey, PeriodTotals]
) -> None:
    """Add each delta to its key's stored totals (created when missing), in one statement.
    The caller holds the keys' figures locks (rows are written in key order anyway)."""
    if not deltas:
        return
    keys = sorted(deltas)
    params: dict[str, list[Any]] = {c: [getattr(k, c) for k in keys] for c in _KEY_COLUMNS}
    values = [_sum_values(deltas[k]) for k in keys]
    params.update({c: [v[c] for v in values] for c in SUM_COLUMNS})
    await connection.execute(_ADD_TOTALS, params)


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


async def replace_all_totals(connection: AsyncSession | AsyncConnection, snapshots: Iterable[DealSnapshot]) -> None:
    """figure_totals recomputed from scratch for these deals (the whole read model)."""
    await connection.execute(text(f"DELETE FROM {FIGURE_TOTALS.name}"))  # noqa: S608
    await apply_totals_deltas(connection, totals_deltas((None, s) for s in snapshots))
