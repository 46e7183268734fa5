"""What the scorecard use cases need of storage (adapters/scorecard_store.py implements it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.scorecards import CohortTotals, DealFact

# (vendor_id, partner_id, period): one partner's scorecard period with one vendor.
PeriodKey = tuple[str, str, str]


@dataclass(frozen=True)
class RewardEntry:
    """One reward-earned / reward-clawed-back ledger entry (negative amount: a clawback), placed
    in the quarter of its event's time."""

    entry_id: str
    vendor_id: str
    partner_id: str
    period: str
    currency: str
    amount: Decimal


@dataclass(frozen=True)
class WeightsRecord:
    vendor_id: str
    weights: dict[str, Decimal]
    version: int
    updated_at: datetime


class ScorecardStore(Protocol):
    def transaction(self) -> AbstractAsyncContextManager[object]:
        """The unit of work: everything inside commits together (or not at all)."""

    # --- the consumers' (in the batch's transaction) ---

    async def snapshots(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        """The deal read model's current snapshots of these deals."""

    async def facts(self, deal_ids: Sequence[str]) -> dict[str, DealFact]: ...

    async def save_facts(self, facts: Sequence[DealFact]) -> None: ...

    async def lock_periods(self, keys: Iterable[PeriodKey]) -> None:
        """Serialize the changes of these scorecard periods' totals, in one lock order."""

    async def totals_of_keys(self, keys: Sequence[PeriodKey]) -> dict[PeriodKey, CohortTotals]:
        """The stored totals of these keys (a key without a row is left out)."""

    async def middle_decisions(self, keys: Sequence[PeriodKey]) -> dict[PeriodKey, list[timedelta]]:
        """Per key, of its cohort's decided deals (registered in the key's period): the middle one
        of the times from registration to decision in ascending order, or the middle two for an
        even count (a key with none is left out)."""

    async def save_periods(self, totals: Mapping[PeriodKey, CohortTotals]) -> None: ...

    async def add_rewards(self, entries: Sequence[RewardEntry]) -> int:
        """Store the entries not yet stored (by entry id) and add those to the totals; how many were new."""

    # --- the queries' ---

    async def period_totals(self, vendor_id: str, periods: Sequence[str]) -> dict[str, dict[str, CohortTotals]]: ...

    async def activity_flags(self, vendor_id: str, periods: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Per period: the partners active in it, and those producing."""

    async def reward_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, Decimal]]:
        """Per partner: its net rewards of the period, per currency."""

    async def enrolled(self, vendor_id: str) -> set[str]: ...

    async def weights(self, vendor_id: str, *, for_update: bool = False) -> WeightsRecord | None: ...

    async def save_weights(self, record: WeightsRecord) -> None: ...

    # --- the rebuild's (its one transaction) ---

    async def lock_for_rebuild(self) -> None: ...

    async def replace_all(
        self, facts: Sequence[DealFact], totals: Mapping[PeriodKey, CohortTotals], rewards: Sequence[RewardEntry]
    ) -> None: ...
