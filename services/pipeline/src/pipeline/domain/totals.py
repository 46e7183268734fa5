"""The sums and counts a period's figures are computed from (PeriodTotals), kept incrementally.

A deal's contribution to its period is a PeriodTotals; the period's totals are the sum of its
deals' contributions, so a change of one deal moves them by contribution(after) -
contribution(before), whatever the number of deals. Open deals are kept per stage, so a change
of the vendor's stage probabilities needs no recomputation: the probabilities are applied
when the figures are derived (figures.figures_from_totals).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from decimal import Decimal

from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import DealSnapshot, DealStage

# Every stage, open ones and the rest: an open deal whose stage is closed_* still counts as
# pipeline (at probability 0), so nothing may be dropped.
STAGES: tuple[DealStage, ...] = tuple(DealStage)
_STAGE_INDEX = {stage: i for i, stage in enumerate(STAGES)}
_NO_COUNTS = (0,) * len(STAGES)
_NO_AMOUNTS = (Decimal(0),) * len(STAGES)


@dataclass(frozen=True)
class PeriodTotals:
    """What the contract's figures of a set of deals are computed from.

    open_counts/open_amounts are per stage, in STAGES order. won_amount sums final amounts;
    cycle_days sums the registration-to-close days (each clamped at 0) of the closed deals that
    have a closed_on, cycle_count counts those deals. deal_count counts every deal placed in the
    period whatever its status (rejected and expired ones too, which no figure sees): a rollup
    lists a partner that has any deal in the period.
    """

    open_counts: tuple[int, ...] = _NO_COUNTS
    open_amounts: tuple[Decimal, ...] = _NO_AMOUNTS
    won_count: int = 0
    won_amount: Decimal = Decimal(0)
    lost_count: int = 0
    cycle_days: int = 0
    cycle_count: int = 0
    deal_count: int = 0

    def __post_init__(self) -> None:
        if len(self.open_counts) != len(STAGES) or len(self.open_amounts) != len(STAGES):
            raise ValueError(f"open_counts and open_amounts need one value per stage ({len(STAGES)})")

    def open_count(self, stage: DealStage) -> int:
        return self.open_counts[_STAGE_INDEX[stage]]

    def open_amount(self, stage: DealStage) -> Decimal:
        return self.open_amounts[_STAGE_INDEX[stage]]

    @property
    def open_total_count(self) -> int:
        return sum(self.open_counts)

    @property
    def open_total_amount(self) -> Decimal:
        return sum(self.open_amounts, Decimal(0))

    @property
    def is_zero(self) -> bool:
        return self == ZERO

    def __add__(self, other: PeriodTotals) -> PeriodTotals:
        return PeriodTotals(
            open_counts=tuple(a + b for a, b in zip(self.open_counts, other.open_counts, strict=True)),
            open_amounts=tuple(a + b for a, b in zip(self.open_amounts, other.open_amounts, strict=True)),
            won_count=self.won_count + other.won_count,
            won_amount=self.won_amount + other.won_amount,
            lost_count=self.lost_count + other.lost_count,
            cycle_days=self.cycle_days + other.cycle_days,
            cycle_count=self.cycle_count + other.cycle_count,
            deal_count=self.deal_count + other.deal_count,
        )

    def __neg__(self) -> PeriodTotals:
        return PeriodTotals(
            open_counts=tuple(-a for a in self.open_counts),
            open_amounts=tuple(-a for a in self.open_amounts),
            won_count=-self.won_count,
            won_amount=-self.won_amount,
            lost_count=-self.lost_count,
            cycle_days=-self.cycle_days,
            cycle_count=-self.cycle_count,
            deal_count=-self.deal_count,
        )

    def __sub__(self, other: PeriodTotals) -> PeriodTotals:
        return self + (-other)


ZERO = PeriodTotals()


def counts_in(deal: DealSnapshot, period: Quarter | None) -> bool:
    """Whether the deal counts in `period`; with None, every deal counts (compute_figures over
    deals already selected)."""
    if period is None:
        return True
    day = deal.period_date
    return day is not None and period.contains(day)


def totals_of(deals: Iterable[DealSnapshot], period: Quarter | None = None) -> PeriodTotals:
    """The totals of the deals that count in `period` (all of them when it is None)."""
    # Plain locals, not PeriodTotals additions: rollups run this over every deal of a vendor.
    open_counts = list(_NO_COUNTS)
    open_amounts = list(_NO_AMOUNTS)
    won_count = lost_count = cycle_days = cycle_count = deal_count = 0
    won_amount = Decimal(0)
    for deal in deals:
        if not counts_in(deal, period):
            continue
        deal_count += 1
        if deal.is_open:
            i = _STAGE_INDEX[deal.stage]
            open_counts[i] += 1
            open_amounts[i] += deal.amount
            continue
        if deal.is_won:
            won_count += 1
            won_amount += deal.amount if deal.final_amount is None else deal.final_amount
        elif deal.is_lost:
            lost_count += 1
        else:
            continue  # rejected, expired, or closed without an outcome: counts nowhere
        if deal.closed_on is not None:
            # Clamped at 0: a close dated before registration is bad data, not a negative cycle.
            cycle_days += max(0, (deal.closed_on - deal.created_at.astimezone(UTC).date()).days)
            cycle_count += 1
    return PeriodTotals(
        open_counts=tuple(open_counts),
        open_amounts=tuple(open_amounts),
        won_count=won_count,
        won_amount=won_amount,
        lost_count=lost_count,
        cycle_days=cycle_days,
        cycle_count=cycle_count,
        deal_count=deal_count,
    )


def contribution(deal: DealSnapshot, period: Quarter | None) -> PeriodTotals:
    """What one deal adds to `period`'s totals (ZERO when it does not count there)."""
    return totals_of((deal,), period)


def totals_by_currency(deals: Iterable[DealSnapshot], period: Quarter | None = None) -> dict[str, PeriodTotals]:
    """The totals of the deals that count in `period`, one PeriodTotals per deal currency (what
    figure_totals keeps: currencies are never added together)."""
    by_currency: dict[str, list[DealSnapshot]] = {}
    for deal in deals:
        by_currency.setdefault(deal.currency, []).append(deal)
    found = {currency: totals_of(ds, period) for currency, ds in sorted(by_currency.items())}
    return {currency: totals for currency, totals in found.items() if not totals.is_zero}
