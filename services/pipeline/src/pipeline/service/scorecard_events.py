"""Scorecards kept current from the events pipeline consumes, and restored by the rebuild.

deals.v1: after the deal read model has folded a batch (service/deal_events.py, same
transaction), each deal's scorecard fact is its new snapshot plus what its events showed beyond
it (DealExtras: first decision time, SLA overdue, conflict). The totals of the periods whose
facts changed move by each fact's change (its before taken out, its after added) under a
per-period lock, so a batch costs the same however many deals the period holds; the rebuild
computes them from scratch. incentives.v1: each reward entry is stored once (by entry id) and
only new entries move the period's net rewards. Everything is idempotent: a redelivered or
replayed event changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from events.envelope import CloudEvent
from events.schemas import RewardData
from events.vocabulary import IncentiveEventType
from pipeline.domain.periods import period_of
from pipeline.domain.read_model import DEAL_EVENT_TYPES, DealSnapshot
from pipeline.domain.scorecards import (
    CohortTotals,
    DealExtras,
    DealFact,
    fact_of,
    fold_extras,
    fold_fact,
    hours_to_decision,
    median_hours,
    median_moves,
    totals_by_key,
)
from pipeline.service.deal_events import deal_id_of
from pipeline.service.ports import EventItem
from pipeline.service.scorecard_ports import PeriodKey, RewardEntry, ScorecardStore

REWARD_EVENT_TYPES = frozenset({IncentiveEventType.REWARD_EARNED.value, IncentiveEventType.REWARD_CLAWED_BACK.value})


def extras_of(fact: DealFact) -> DealExtras:
    return DealExtras(decided_at=fact.decided_at, overdue=fact.overdue, conflict=fact.conflict)


def period_totals(facts: Sequence[DealFact], keys: Iterable[PeriodKey]) -> dict[PeriodKey, CohortTotals]:
    """Each key's totals; a key left with nothing to count maps to empty totals (the store drops its row)."""
    return totals_by_key(facts, keys)


async def on_scorecard_deal_events(store: ScorecardStore, items: Sequence[EventItem]) -> None:
    """Fold a batch of deal events (already applied to the deal read model, whose deal locks
    this transaction holds) into the scorecards."""
    deal_items = [item for item in items if item.event.type in DEAL_EVENT_TYPES]
    if not deal_items:
        return
    deal_ids = sorted({deal_id_of(item.event) for item in deal_items})
    snapshots = await store.snapshots(deal_ids)
    stored = await store.facts(deal_ids)
    extras = {deal_id: extras_of(fact) for deal_id, fact in stored.items()}
    for item in deal_items:
        deal_id = deal_id_of(item.event)
        extras[deal_id] = fold_extras(extras.get(deal_id), item.event.type, item.event.data, item.event.time)
    changes: list[tuple[DealFact | None, DealFact]] = []
    for deal_id in deal_ids:
        snapshot = snapshots.get(deal_id)
        if snapshot is None:
            continue
        fact = fact_of(snapshot, extras.get(deal_id, DealExtras()))
        before = stored.get(deal_id)
        if fact != before:
            changes.append((before, fact))
    if not changes:
        return
    await store.save_facts([after for _, after in changes])
    await fold_changes(store, changes)


async def fold_changes(store: ScorecardStore, changes: Sequence[tuple[DealFact | None, DealFact]]) -> None:
    """Move the touched keys' stored totals by the facts' changes (saved already), under the
    keys' locks: O(changes), however many deals a key's period holds. Only a key whose decision
    hours changed has its median recomputed, from its middle decisions in the database."""
    keys = sorted({key for before, after in changes for key in after.keys | (before.keys if before else set())})
    await store.lock_periods(keys)
    totals = await store.totals_of_keys(keys)  # read under the locks: no concurrent batch moves them
    new = {key: totals.get(key, CohortTotals()) for key in keys}
    median_keys: set[PeriodKey] = set()
    for before, after in changes:
        for key in after.keys | (before.keys if before else set()):
            new[key] = fold_fact(new[key], key, before, after)
            if median_moves(key, before, after):
                median_keys.add(key)
    if median_keys:
        middles = await store.middle_decisions(sorted(median_keys))
        for key in median_keys:
            hours = [hours_to_decision(elapsed) for elapsed in middles.get(key, [])]
            new[key] = replace(new[key], median_hours_to_decision=median_hours(hours))
    await store.save_periods({key: value for key, value in new.items() if value != totals.get(key, CohortTotals())})


def reward_entry(event: CloudEvent) -> RewardEntry:
    """The entry a reward event carries (pydantic.ValidationError when malformed: dead-lettered)."""
    data = RewardData.model_validate(event.data)
    return RewardEntry(
        entry_id=data.entry_id,
        vendor_id=data.vendor_id,
        partner_id=data.partner_id,
        period=str(period_of(event.time.astimezone(UTC).date())),
        currency=data.currency,
        amount=data.amount,
    )


async def on_reward_events(store: ScorecardStore, items: Sequence[EventItem]) -> None:
    """reward-earned / reward-clawed-back: net rewards per partner, period and currency."""
    entries: dict[str, RewardEntry] = {}  # one per entry id, the first seen (a batch may carry a redelivery)
    for i in items:
        if i.event.type in REWARD_EVENT_TYPES:
            entry = reward_entry(i.event)
            entries.setdefault(entry.entry_id, entry)
    await store.add_rewards(list(entries.values()))


@dataclass
class ScorecardReplay:
    """The rebuild's fold: every deal's extras and every reward entry, from the topics' history."""

    extras: dict[str, DealExtras] = field(default_factory=dict)
    rewards: dict[str, RewardEntry] = field(default_factory=dict)

    def fold_deal(self, event_type: str, data: Mapping[str, Any], time: datetime) -> None:
        deal_id = data.get("id")
        if event_type in DEAL_EVENT_TYPES and isinstance(deal_id, str):
            self.extras[deal_id] = fold_extras(self.extras.get(deal_id), event_type, data, time)

    def fold_reward(self, event: CloudEvent) -> bool:
        """False when the event is not a reward entry (or is malformed: the live consumer dead-letters it)."""
        if event.type not in REWARD_EVENT_TYPES:
            return False
        try:
            entry = reward_entry(event)
        except ValueError:  # pydantic's ValidationError is a ValueError
            return False
        self.rewards.setdefault(entry.entry_id, entry)
        return True


async def replace_scorecards(store: ScorecardStore, snapshots: Sequence[DealSnapshot], replay: ScorecardReplay) -> None:
    """Every scorecard table replaced by what the replayed events show (the caller's transaction)."""
    facts = [fact_of(s, replay.extras.get(s.deal_id, DealExtras())) for s in snapshots]
    keys = sorted({key for fact in facts for key in fact.keys})
    await store.replace_all(facts, period_totals(facts, keys), list(replay.rewards.values()))
