"""The batch path of the deal-events consumer against the real PostgreSQL (and Kafka for the
dead-letter case): a poll applied in one transaction must leave what one-by-one leaves."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from opentelemetry import trace
from pipeline_scenario import PERIOD, database, deal, enrol, put_plan, send, unique, wait_for_figures
from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchItem
from events.envelope import CloudEvent
from events.topics import TopicNames, dead_letter_topic
from pipeline.adapters.store import PgPipelineStore
from pipeline.adapters.tables import PlanRow, PolicyRow
from pipeline.consumers import deal_events_consumer
from pipeline.domain.periods import Quarter
from pipeline.service.deal_events import on_deal_events
from pipeline.service.figures import partner_figures
from support.events import deal_event
from support.kafka import read_topic

NEXT_PERIOD = "2030Q2"


async def add_plan(sessions: async_sessionmaker[AsyncSession], partner: str, vendor: str, target: str) -> None:
    async with sessions() as session, session.begin():
        session.add(
            PlanRow(
                partner_id=partner,
                vendor_id=vendor,
                period=PERIOD,
                revenue_target=Decimal(target),
                currency="USD",
                updated_at=datetime.now(UTC),
                version=1,
            )
        )


async def rows(sessions: async_sessionmaker[AsyncSession], query: str) -> list[dict[str, Any]]:
    async with sessions() as session:
        return [dict(r._mapping) for r in (await session.execute(text(query))).all()]


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[CloudEvent, str | None]]:
    found = await rows(sessions, "SELECT payload, traceparent FROM outbox ORDER BY id")
    return [(CloudEvent.from_json(r["payload"]), r["traceparent"]) for r in found]


def keyed(events: list[tuple[CloudEvent, str | None]], event_type: str) -> list[tuple[str, str]]:
    return [(e.data["partner_id"], e.data["period"]) for e, _ in events if e.type == event_type]


def many_deals_with_a_repeat(vendor: str, p1: str, p2: str) -> list[CloudEvent]:
    """Several deals of two partners; one deal's three events, a close, a move to the next quarter,
    a stale replay of an old version, and the same event (same id) delivered twice."""
    a = deal(vendor, p1, amount="1000.00")
    b = deal(vendor, p1, amount="2000.00")
    won = deal(vendor, p1, amount="3000.00", created_at=datetime(2030, 1, 10, tzinfo=UTC))
    moved = deal(vendor, p1, amount="500.00")
    other = deal(vendor, p2, amount="700.00")
    b_approved = deal_event("deal-approved", {**b, "status": "approved", "version": 2})
    closed = {"status": "closed", "stage": "closed_won", "outcome": "won", "final_amount": "2500.00"}
    return [
        deal_event("deal-registered", a),
        deal_event("deal-registered", b),
        b_approved,
        deal_event("stage-advanced", {**b, "status": "approved", "stage": "proposal", "version": 3}),
        deal_event("deal-registered", won),
        deal_event("deal-closed", {**won, **closed, "closed_on": "2030-01-20", "version": 2}),
        deal_event("deal-registered", moved),
        deal_event("deal-extended", {**moved, "status": "approved", "expected_close_date": "2030-05-01", "version": 2}),
        deal_event("deal-registered", other),
        deal_event("deal-registered", b),  # a stale version 1 under a new event id
        b_approved,  # a redelivery
    ]


async def test_a_batch_ends_where_one_by_one_ends(make_db, infra, topic_prefix) -> None:
    vendor, p1, p2 = unique("v"), unique("p"), unique("p")
    events = many_deals_with_a_repeat(vendor, p1, p2)
    topics = TopicNames(topic_prefix)
    async with database(make_db) as batched, database(make_db) as one_by_one:
        for sessions in (batched, one_by_one):
            await add_plan(sessions, p1, vendor, "10000.00")

        consumer = deal_events_consumer(topics=topics, bootstrap_servers=infra.kafka_bootstrap, sessions=batched)
        claimed = await consumer.apply_batch([(e, trace.INVALID_SPAN) for e in events])
        assert len(claimed) == len(events) - 1  # the redelivery is claimed once

        single = deal_events_consumer(topics=topics, bootstrap_servers=infra.kafka_bootstrap, sessions=one_by_one)
        applied = [await single.apply(e) for e in events]
        assert applied == [True] * (len(events) - 1) + [False]

        deals_query = "SELECT * FROM deals ORDER BY deal_id"
        assert await rows(batched, deals_query) == await rows(one_by_one, deals_query)
        assert len(await rows(batched, deals_query)) == 5
        flags_query = "SELECT partner_id, period, at_risk FROM at_risk_flags ORDER BY partner_id, period"
        assert await rows(batched, flags_query) == await rows(one_by_one, flags_query)

        keys = sorted([(p1, PERIOD), (p1, NEXT_PERIOD), (p2, PERIOD)])
        for partner, period in keys:
            async with batched() as s1, one_by_one() as s2:
                quarter = Quarter.parse(period)
                assert await partner_figures(PgPipelineStore(s1), partner, vendor, quarter) == await partner_figures(
                    PgPipelineStore(s2), partner, vendor, quarter
                )
        async with batched() as session:
            figures, _ = await partner_figures(PgPipelineStore(session), p1, vendor, Quarter.parse(PERIOD))
        assert (figures.open_deals, figures.won_deals, figures.closed_won) == (2, 1, Decimal("2500.00"))
        assert figures.risk_adjusted_pipeline == Decimal("1100.00")  # 1000 x 0.10 + 2000 x 0.50

        sent, sent_singly = await outbox(batched), await outbox(one_by_one)
        # One pipeline-updated per (partner, vendor, period) for the whole batch, not one per
        # deal event; it carries what the last of the one-by-one announcements carried.
        assert sorted(keyed(sent, "pipeline-updated")) == keys
        assert len(keyed(sent_singly, "pipeline-updated")) > len(keys)
        for event, _ in sent:
            if event.type == "pipeline-updated":
                last = [e for e, _ in sent_singly if e.type == event.type and e.data["period"] == event.data["period"]]
                last = [e for e in last if e.data["partner_id"] == event.data["partner_id"]]
                assert event.data == last[-1].data
        # p1 falls below the threshold (coverage 0.11 < 0.80) once, either way.
        assert keyed(sent, "pipeline-at-risk") == keyed(sent_singly, "pipeline-at-risk") == [(p1, PERIOD)]


def trace_of(n: int) -> str:
    return f"00-{n:032x}-{n:016x}-01"


def item(event: CloudEvent, n: int) -> BatchItem:
    return BatchItem(event, trace_of(n))


async def test_at_risk_fires_on_a_batch_that_falls_below(make_db, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    topics = TopicNames(topic_prefix)
    big = deal(vendor, partner, amount="20000.00", status="approved", stage="negotiation")
    small, later = deal(vendor, partner, amount="1000.00"), deal(vendor, partner, amount="1000.00")
    async with database(make_db) as sessions:
        await add_plan(sessions, partner, vendor, "10000.00")
        async with sessions() as session, session.begin():  # the vendor's own policy, not the default
            probabilities = {"registered": "0.10", "qualified": "0.25", "proposal": "0.50", "negotiation": "0.50"}
            session.add(
                PolicyRow(
                    vendor_id=vendor,
                    total_index=Decimal("2.0"),
                    risk_adjusted_index=Decimal("1.0"),
                    stage_probabilities=probabilities,
                    at_risk_threshold=Decimal("0.9"),
                    updated_at=datetime.now(UTC),
                    version=1,
                )
            )
        async with sessions() as session, session.begin():  # coverage 1.01 (20000 x 0.50 + 100): not at risk
            batch = [item(deal_event("deal-approved", big), 1), item(deal_event("deal-registered", small), 2)]
            await on_deal_events(PgPipelineStore(session), batch, topics)
        first = await outbox(sessions)
        # Once for the key, with the traceparent of the last event that touched it; no at-risk.
        assert [(e.type, e.data["coverage"], tp) for e, tp in first] == [("pipeline-updated", "1.0100", trace_of(2))]

        rejected = deal_event("deal-rejected", {**big, "status": "rejected", "version": 2})
        async with sessions() as session, session.begin():  # coverage 0.02: falls below 0.9
            await on_deal_events(
                PgPipelineStore(session), [item(rejected, 3), item(deal_event("deal-registered", later), 4)], topics
            )
        second = (await outbox(sessions))[len(first) :]
        assert {e.data["at_risk_threshold"] for e, _ in first + second} == {"0.9"}
        assert [(e.type, e.data["coverage"], e.data["at_risk"], tp) for e, tp in second] == [
            ("pipeline-updated", "0.0200", True, trace_of(4)),
            ("pipeline-at-risk", "0.0200", True, trace_of(4)),
        ]
        flags = await rows(sessions, "SELECT at_risk FROM at_risk_flags")
        assert flags == [{"at_risk": True}]


async def test_a_poison_event_in_a_batch_is_dead_lettered_and_the_rest_applied(
    service_client, token, infra, topic_prefix
) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    good = [deal(vendor, partner, amount=f"{n}000.00") for n in (1, 2, 3)]
    poison = deal(vendor, partner, amount="9000.00", status="flying")
    # All on the topic before the consumer starts: they come in one poll, one batch.
    await send(infra, topic_prefix, "deal-registered", good[0])
    await send(infra, topic_prefix, "deal-registered", poison)
    await send(infra, topic_prefix, "deal-registered", good[1])
    await send(infra, topic_prefix, "deal-approved", {**good[1], "status": "approved", "version": 2})
    await send(infra, topic_prefix, "deal-registered", good[2])
    await enrol(infra, topic_prefix, vendor, partner)
    async with service_client("pipeline") as (client, _):
        await put_plan(client, headers, partner, vendor)
        body = await wait_for_figures(client, headers, partner, vendor, open_deals=3, pipeline_total="6000.00")
        assert body["risk_adjusted_pipeline"] == "600.00"  # the approval kept stage registered (0.10)

        def dead(records: list[Any]) -> list[Any]:
            return [r for r in records if r.key == poison["id"].encode()]

        dlq = dead_letter_topic(topic_prefix + "deals.v1")
        records = dead(await read_topic(infra.kafka_bootstrap, dlq, lambda rs: bool(dead(rs)), timeout=30))
        assert len(records) == 1
        reason = dict(records[0].headers)["dlq-reason"].decode()
        assert "PoisonEvent" in reason and "flying" in reason
