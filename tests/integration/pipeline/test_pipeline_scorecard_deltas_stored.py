"""Scorecard totals moved by deltas on PostgreSQL (service.scorecard_events.fold_changes over
PgScorecardStore: the stored totals, the per-key locks, the middle decisions found in SQL) equal
cohort_totals from scratch over the stored facts, after random batches committed concurrently."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from pipeline_scenario import database

from pipeline.adapters.scorecard_store import PgScorecardStore
from pipeline.domain.read_model import DealStatus, Outcome
from pipeline.domain.scorecards import CohortTotals, DealFact, cohort_totals
from pipeline.service.scorecard_events import fold_changes

T0 = datetime(2030, 1, 3, 8, 0, tzinfo=UTC)
PERIODS = ("2029Q4", "2030Q1", "2030Q2")
PARTNERS = ("p1", "p2")


def random_fact(rng: random.Random, deal_id: str) -> DealFact:
    """Any fact of the deal; times to the microsecond, decisions also before registration."""
    created = T0 + timedelta(minutes=rng.randrange(100_000), microseconds=rng.randrange(1_000_000))
    decided = None if rng.random() < 0.3 else created + timedelta(microseconds=rng.randrange(-(10**9), 10**12))
    outcome = rng.choice([None, Outcome.WON, Outcome.LOST])
    return DealFact(
        deal_id=deal_id,
        vendor_id="acme",
        partner_id=rng.choice(PARTNERS),
        registered_period=rng.choice(PERIODS),
        closed_period=rng.choice([None, *PERIODS]),
        currency=rng.choice(["USD", "EUR"]),
        status=rng.choice(list(DealStatus)),
        outcome=outcome,
        final_amount=None if outcome is None else Decimal(rng.randrange(10**7)) / 100,
        created_at=created,
        closed_on_days=None if outcome is None else rng.randrange(200),
        decided_at=decided,
        overdue=rng.random() < 0.2,
        conflict=rng.random() < 0.2,
    )


async def test_totals_moved_by_concurrent_batches_equal_the_totals_of_the_stored_facts(
    make_db: Callable[..., Any],
) -> None:
    rng = random.Random(22)
    async with database(make_db) as sessions:

        async def batch(new: dict[str, DealFact]) -> None:
            # What on_scorecard_deal_events does once the deal locks are held (the deal sets of
            # concurrent batches are disjoint here, as those locks make them in the consumer).
            async with sessions() as session, session.begin():
                store = PgScorecardStore(session)
                stored = await store.facts(sorted(new))
                changes = [(stored.get(d), f) for d, f in sorted(new.items()) if stored.get(d) != f]
                await store.save_facts([after for _, after in changes])
                await fold_changes(store, changes)

        deal_ids = [f"d{i}" for i in range(30)]
        decided_counts: set[int] = set()
        for _ in range(25):
            rng.shuffle(deal_ids)
            # Three concurrent batches of disjoint deals, all landing on the same few keys.
            await asyncio.gather(
                *(batch({d: random_fact(rng, d) for d in deal_ids[i : i + rng.randint(1, 6)]}) for i in (0, 10, 20))
            )
            async with sessions() as session:
                store = PgScorecardStore(session)
                facts = list((await store.facts(deal_ids)).values())
                stored = await store.period_totals("acme", list(PERIODS))
            for period in PERIODS:
                decided_counts |= {
                    sum(f.registered_period == period and f.decided_at is not None for f in facts if f.partner_id == p)
                    for p in PARTNERS
                }
                expected = {p: cohort_totals([f for f in facts if f.partner_id == p], period) for p in PARTNERS}
                assert stored[period] == {p: t for p, t in expected.items() if t != CohortTotals()}, period
        # The medians checked came from both a middle pair and a single middle decision.
        assert any(n >= 2 and n % 2 == 0 for n in decided_counts) and any(n % 2 for n in decided_counts)
