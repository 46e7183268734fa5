"""figure_totals, kept incrementally by the consumer, always equals the totals of the deals
table; the figures the API serves from it equal the figures computed over those deals."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from opentelemetry import trace
from pipeline_scenario import PERIOD, database, deal, enrol, put_plan, send, unique
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from events.envelope import CloudEvent
from events.topics import TopicNames
from pipeline.adapters.rows import snapshot_of, totals_of_row
from pipeline.consumers import deal_events_consumer
from pipeline.domain.figures import compute_figures
from pipeline.domain.keys import FiguresKey
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.totals import totals_of
from pipeline.service.views import figures_json
from support.events import deal_event
from support.kafka import eventually

NEXT_PERIOD = "2030Q2"


def mixed_events(vendor: str, p1: str, p2: str) -> list[CloudEvent]:
    """Registrations in two quarters, a stage advance, a move of the expected close date to the
    next quarter, a close won, a close lost, a rejection, and an amount finer than cents."""
    a = deal(vendor, p1, amount="1000.00")
    b = deal(vendor, p1, amount="2000.00", expected_close_date="2030-05-10")
    c = deal(vendor, p1, amount="3000.00")
    moved = deal(vendor, p1, amount="500.00")
    won = deal(vendor, p1, amount="6000.00", created_at=datetime(2030, 1, 10, tzinfo=UTC))
    lost = deal(vendor, p1, amount="1000.00", created_at=datetime(2030, 1, 30, tzinfo=UTC))
    fine = deal(vendor, p1, amount="250.125")  # stored as 250.13
    rejected = deal(vendor, p2, amount="700.00")
    other = deal(vendor, p2, amount="800.00")
    close_won = {"status": "closed", "stage": "closed_won", "outcome": "won", "final_amount": "5000.00"}
    close_lost = {"status": "closed", "stage": "closed_lost", "outcome": "lost"}
    return [
        deal_event("deal-registered", a),
        deal_event("deal-registered", b),
        deal_event("deal-registered", c),
        deal_event("deal-approved", {**c, "status": "approved", "version": 2}),
        deal_event("stage-advanced", {**c, "status": "approved", "stage": "proposal", "version": 3}),
        deal_event("deal-registered", moved),
        deal_event("deal-extended", {**moved, "status": "approved", "expected_close_date": "2030-04-20", "version": 2}),
        deal_event("deal-registered", won),
        deal_event("deal-closed", {**won, **close_won, "closed_on": "2030-01-20", "version": 2}),
        deal_event("deal-registered", lost),
        deal_event("deal-closed", {**lost, **close_lost, "closed_on": "2030-03-01", "version": 2}),
        deal_event("deal-registered", fine),
        deal_event("stage-advanced", {**fine, "status": "approved", "stage": "qualified", "version": 2}),
        deal_event("deal-registered", rejected),
        deal_event("deal-rejected", {**rejected, "status": "rejected", "version": 2}),
        deal_event("deal-registered", other),
    ]


async def vendor_snapshots(engine: AsyncEngine, vendor: str) -> list[tuple[Any, DealSnapshot]]:
    """Each of the vendor's stored deals: its row and its snapshot."""
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM deals WHERE vendor_id = :v"), {"v": vendor})).all()
    return [(row, snapshot_of(row)) for row in rows]


async def deals_by_key(engine: AsyncEngine, vendor: str) -> dict[FiguresKey, list[DealSnapshot]]:
    grouped: dict[FiguresKey, list[DealSnapshot]] = {}
    for row, snapshot in await vendor_snapshots(engine, vendor):
        grouped.setdefault(FiguresKey(row.partner_id, row.vendor_id, row.period), []).append(snapshot)
    return grouped


async def stored_totals(engine: AsyncEngine, vendor: str) -> dict[FiguresKey, Any]:
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM figure_totals WHERE vendor_id = :v"), {"v": vendor})).all()
    return {FiguresKey(r.partner_id, r.vendor_id, r.period): totals_of_row(r) for r in rows}


async def assert_totals_match_the_deals(engine: AsyncEngine, vendor: str) -> dict[FiguresKey, list[DealSnapshot]]:
    deals = await deals_by_key(engine, vendor)
    stored = await stored_totals(engine, vendor)
    assert set(stored) == set(deals)
    for key, key_deals in deals.items():
        assert stored[key] == totals_of(key_deals, Quarter.parse(key.period)), key
    return deals


async def test_stored_totals_and_served_figures_follow_the_deals(service_client, token, infra, topic_prefix) -> None:
    vendor, p1, p2 = unique("v"), unique("p"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, app):
        await enrol(infra, topic_prefix, vendor, p1)
        assert (await put_plan(client, headers, p1, vendor)).status_code == 200
        for event in mixed_events(vendor, p1, p2):
            await send(infra, topic_prefix, event.type, event.data)

        async def figures_of(partner: str, period: str) -> dict[str, Any]:
            params = {"vendor_id": vendor, "period": period}
            response = await client.get(f"/v1/partners/{partner}/pipeline", params=params, headers=headers)
            assert response.status_code == 200, response.text
            return {k: v for k, v in response.json().items() if k not in ("partner_id", "vendor_id", "period", "as_of")}

        expected_counts = {
            (p1, PERIOD): {"open_deals": 3, "won_deals": 1, "lost_deals": 1, "pipeline_total": "4250.13"},
            (p1, NEXT_PERIOD): {"open_deals": 2, "won_deals": 0, "lost_deals": 0, "pipeline_total": "2500.00"},
            (p2, PERIOD): {"open_deals": 1, "won_deals": 0, "lost_deals": 0, "pipeline_total": "800.00"},
        }

        async def settled() -> bool:
            for (partner, period), expected in expected_counts.items():
                body = await figures_of(partner, period)
                assert {k: body[k] for k in expected} == expected
            return True

        await eventually(settled, timeout=30)

        deals = await assert_totals_match_the_deals(app.state.engine, vendor)
        assert {(k.partner_id, k.period) for k in deals} == set(expected_counts)
        for key, key_deals in deals.items():
            plan = Decimal("10000.00") if (key.partner_id, key.period) == (p1, PERIOD) else None
            computed = compute_figures(key_deals, plan, PipelinePolicy(), Quarter.parse(key.period))
            # All deals in USD: the figures are reported in it (v1.1's currency field).
            assert await figures_of(key.partner_id, key.period) == figures_json(replace(computed, currency="USD"))
        served = await figures_of(p1, PERIOD)
        assert (served["avg_cycle_days"], served["risk_adjusted_pipeline"]) == ("20.00", "1662.53")


@asynccontextmanager
async def through_both_paths(
    make_db: Callable[..., Any], infra: Any, topic_prefix: str, events: list[CloudEvent], split: int
) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """The events applied to two fresh databases: in two polls by the batch path (split after
    `split` events), and one by one by the per-event path. Yields (batched, one by one) engines."""
    topics = TopicNames(topic_prefix)
    async with database(make_db) as batched, database(make_db) as one_by_one:
        batch = deal_events_consumer(topics=topics, bootstrap_servers=infra.kafka_bootstrap, sessions=batched)
        await batch.apply_batch([(e, trace.INVALID_SPAN) for e in events[:split]])
        await batch.apply_batch([(e, trace.INVALID_SPAN) for e in events[split:]])
        single = deal_events_consumer(topics=topics, bootstrap_servers=infra.kafka_bootstrap, sessions=one_by_one)
        for event in events:
            assert await single.apply(event)
        yield batched.kw["bind"], one_by_one.kw["bind"]


async def test_the_batch_and_the_per_event_paths_keep_the_same_totals(make_db, infra, topic_prefix) -> None:
    vendor, p1, p2 = unique("v"), unique("p"), unique("p")
    events = mixed_events(vendor, p1, p2)
    # Two polls: the second moves deals the first one stored.
    async with through_both_paths(make_db, infra, topic_prefix, events, 7) as (engine_a, engine_b):
        assert await stored_totals(engine_a, vendor) == await stored_totals(engine_b, vendor)
        await assert_totals_match_the_deals(engine_a, vendor)
        await assert_totals_match_the_deals(engine_b, vendor)
