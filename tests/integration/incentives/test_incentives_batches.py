"""The batch path: a poll's records applied in one transaction, against the real database.

Records are handed to the consumer's handle_batch directly (the shape getmany returns), so
each test controls exactly what one poll holds. Dead letters go to the real Kafka.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiokafka import ConsumerRecord
from incentives_helpers import make_program, new_vendor
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import text

from events.consumer import IdempotentConsumer
from events.envelope import CloudEvent
from events.metrics import EVENTS_PROCESSED
from events.topics import TopicNames
from incentives.consumers import deal_events_consumer
from support.events import deal_data, deal_event
from support.kafka import read_topic


def _records(topic: str, values: list[CloudEvent | bytes], headers: Any = ()) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for offset, value in enumerate(values):
        raw = value if isinstance(value, bytes) else value.to_json()
        key = None if isinstance(value, bytes) else (value.subject or "").encode()
        out.append(ConsumerRecord(topic, 0, offset, 0, 0, key, raw, None, 0, len(raw), list(headers)))
    return out


def _consumer(app: Any, infra: Any, topic_prefix: str) -> IdempotentConsumer:
    # A name of its own: its metrics and claims are this test's alone.
    return deal_events_consumer(
        topics=TopicNames(topic_prefix),
        bootstrap_servers=infra.kafka_bootstrap,
        sessions=app.state.sessions,
        name=f"incentives-test-{uuid.uuid4().hex[:8]}",
    )


async def _ledger(app: Any, vendor_id: str) -> list[tuple[str, str, str, str, str, str | None]]:
    """(deal, rule, kind, amount, cut, cut_reason) in booking order."""
    async with app.state.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT deal_id, rule_key, kind, amount, cut, cut_reason FROM ledger_entries "
                "WHERE vendor_id = :v ORDER BY seq"
            ),
            {"v": vendor_id},
        )
        return [(r[0], r[1], r[2], str(r[3]), str(r[4]), r[5]) for r in rows]


async def _scalar(app: Any, sql: str, **params: Any) -> Any:
    async with app.state.engine.connect() as conn:
        return await conn.scalar(text(sql), params)


async def test_a_batch_holding_one_event_twice_applies_it_once(
    service_client, make_db, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
        program = await make_program(client, admin, vendor, budget="10000.00")
        consumer = _consumer(app, infra, topic_prefix)
        topic = topic_prefix + "deals.v1"
        a = deal_data(vendor_id=vendor, rep_id="rep-a")
        registered_a = deal_event("deal-registered", a)
        registered_b = deal_event("deal-registered", deal_data(vendor_id=vendor, rep_id="rep-b"))

        await consumer.handle_batch(_records(topic, [registered_a, registered_a, registered_b]))
        # Redelivered in a later poll, next to a new event of the same deal.
        advanced = deal_event("stage-advanced", {**a, "stage": "proposal", "version": 2})
        await consumer.handle_batch(_records(topic, [registered_a, advanced, advanced]))
        assert consumer.batches_replayed == 0  # both polls went through in one transaction each

        ledger = await _ledger(app, vendor)
        assert [(deal, rule, amount) for deal, rule, _, amount, _, _ in ledger] == [
            (a["id"], "registration", "937.50"),  # 3000.00 x 25 % x 1.25, once
            (registered_b.subject, "registration", "937.50"),
            (a["id"], "stage:qualified", "62.50"),  # skipped on the way to proposal, paid once
            (a["id"], "stage:proposal", "125.00"),
        ]
        duplicates = EVENTS_PROCESSED.labels(consumer.name, "deal-registered", "duplicate")._value.get()
        assert duplicates == 2
        assert EVENTS_PROCESSED.labels(consumer.name, "stage-advanced", "duplicate")._value.get() == 1
        assert await _scalar(app, "SELECT count(*) FROM outbox WHERE key = :d", d=a["id"]) == 3
        r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
        assert (r.json()["spent"], r.json()["remaining"]) == ("2062.50", "7937.50")


async def test_a_poison_record_is_dead_lettered_and_the_rest_of_its_batch_applied(
    service_client, make_db, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
        await make_program(client, admin, vendor)
        consumer = _consumer(app, infra, topic_prefix)
        topic = topic_prefix + "deals.v1"
        good_one = deal_event("deal-registered", deal_data(vendor_id=vendor, tier=1))
        poison = deal_event("deal-registered", deal_data(vendor_id=vendor, tier=4))  # the program has no tier 4
        good_two = deal_event("deal-registered", deal_data(vendor_id=vendor, tier=3))
        malformed = b"{not a cloud event"

        await consumer.handle_batch(_records(topic, [good_one, poison, malformed, good_two]))
        assert consumer.batches_replayed == 1  # the poison failed the batch; its records went one by one

        ledger = await _ledger(app, vendor)
        assert [(deal, amount) for deal, _, _, amount, _, _ in ledger] == [
            (good_one.subject, "750.00"),  # 3000.00 x 25 % x 1.0
            (good_two.subject, "1125.00"),  # x 1.5
        ]
        assert EVENTS_PROCESSED.labels(consumer.name, "deal-registered", "applied")._value.get() == 2
        assert EVENTS_PROCESSED.labels(consumer.name, "deal-registered", "dead_lettered")._value.get() == 1
        assert EVENTS_PROCESSED.labels(consumer.name, "unknown", "dead_lettered")._value.get() == 1

    def mine(record: ConsumerRecord[bytes, bytes]) -> bool:
        return dict(record.headers).get(b"dlq-consumer".decode()) == consumer.name.encode()

    dead = await read_topic(
        infra.kafka_bootstrap, topic + ".dlq", until=lambda rs: sum(mine(r) for r in rs) >= 2, timeout=30
    )
    reasons = {r.value: dict(r.headers)["dlq-reason"].decode() for r in dead if mine(r)}
    assert reasons[malformed].startswith("malformed CloudEvent")
    assert "no multiplier for tier 4" in reasons[poison.to_json()]


async def test_a_batch_across_programs_and_deals_books_what_one_by_one_would(
    service_client, make_db, admin, infra, topic_prefix
) -> None:
    """Budgets, caps, stages out of order and clawbacks inside one poll: the same ledger."""
    capped, budgeted = new_vendor(), new_vendor()
    a = deal_data(vendor_id=budgeted, rep_id="rep-a", tier=2)
    b = deal_data(vendor_id=budgeted, rep_id="rep-b", tier=3)
    c = deal_data(vendor_id=capped, rep_id="rep-a", tier=1)
    d = deal_data(vendor_id=budgeted, rep_id="rep-d", tier=1)
    e = deal_data(vendor_id=budgeted, rep_id="rep-d", tier=3)
    registered_a = deal_event("deal-registered", a)
    events = [
        registered_a,
        deal_event("stage-advanced", {**b, "stage": "negotiation", "version": 2}),  # before its registration
        deal_event("deal-registered", c),
        deal_event("stage-advanced", {**a, "stage": "proposal", "version": 2}),
        deal_event("deal-registered", b),
        registered_a,  # the same event again, in the same poll
        deal_event("stage-advanced", {**c, "stage": "negotiation", "version": 2}),
        deal_event("deal-rejected", {**b, "status": "rejected", "version": 3}),  # claws b back
        deal_event("deal-registered", d),
        deal_event(
            "deal-closed",
            {**c, "stage": "closed_won", "status": "closed", "outcome": "won", "final_amount": "90000.00"},
        ),
        deal_event("deal-closed", {**a, "stage": "closed_won", "status": "closed", "final_amount": "15000.00"}),
        deal_event("deal-registered", e),  # asks more than the clawback freed
    ]
    topic = topic_prefix + "deals.v1"
    results = []
    for batched in (True, False):
        async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
            budget = await make_program(client, admin, budgeted, budget="2500.00")
            cap = await make_program(client, admin, capped, cap_per_deal="1000.00")
            consumer = _consumer(app, infra, topic_prefix)
            if batched:
                await consumer.handle_batch(_records(topic, events))
                assert consumer.batches_replayed == 0
            else:
                for record in _records(topic, events):
                    await consumer.handle_record(record)
            ledger = await _ledger(app, budgeted) + await _ledger(app, capped)
            figures = []
            for program in (budget, cap):
                r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
                figures.append((r.json()["spent"], r.json()["remaining"]))
            reps = {}
            for rep in ("rep-a", "rep-b", "rep-d"):
                r = await client.get(f"/v1/reps/{rep}/earnings", headers=admin)
                reps[rep] = r.json()["net"]
            unbalanced = await _scalar(
                app,
                "SELECT count(*) FROM (SELECT 1 FROM ledger_postings GROUP BY transfer_id HAVING sum(amount) <> 0) t",
            )
            results.append((ledger, figures, reps, unbalanced))

    batched_result, one_by_one = results
    assert batched_result == one_by_one
    ledger, figures, reps, unbalanced = batched_result
    assert unbalanced == 0
    assert figures == [("2500.00", "0.00"), ("1000.00", None)]  # the budget spent to the cent; c hit its cap
    assert reps["rep-b"] == "0.00"  # everything b earned was clawed back
    cuts = {(deal, rule): reason for deal, rule, _, _, cut, reason in ledger if cut != "0.00"}
    assert cuts[(c["id"], "close")] == "cap_per_deal"
    assert "budget_exhausted" in cuts.values()
    assert sum(1 for deal, rule, *_ in ledger if (deal, rule) == (a["id"], "registration")) == 1


async def test_every_event_of_a_batch_gets_its_process_span_and_its_rewards_carry_it(
    service_client, make_db, vendor, admin, infra, topic_prefix
) -> None:
    exporter = InMemorySpanExporter()
    processor = SimpleSpanProcessor(exporter)
    async with service_client("incentives", database_url=await make_db("incentives")) as (client, app):
        provider = trace.get_tracer_provider()  # the service's, set up by its app
        assert isinstance(provider, TracerProvider)
        provider.add_span_processor(processor)
        await make_program(client, admin, vendor)
        consumer = _consumer(app, infra, topic_prefix)
        events = [deal_event("deal-registered", deal_data(vendor_id=vendor)) for _ in range(3)]
        parents = [f"00-{uuid.uuid4().hex}-{uuid.uuid4().hex[:16]}-01" for _ in events]
        records = [
            _records(topic_prefix + "deals.v1", [e], headers=[("traceparent", p.encode())])[0]
            for e, p in zip(events, parents, strict=True)
        ]
        try:
            await consumer.handle_batch(records)
            assert consumer.batches_replayed == 0
        finally:
            spans = {
                s.attributes["cloudevents.event_id"]: s
                for s in exporter.get_finished_spans()
                if s.name == f"process {topic_prefix}deals.v1"
            }
            processor.shutdown()  # the provider outlives this test: stop collecting
        keys = [e.subject for e in events]
        async with app.state.engine.connect() as conn:
            rows = await conn.execute(text("SELECT key, traceparent FROM outbox WHERE key = ANY(:k)"), {"k": keys})
            saved = dict(rows.tuples().all())
    for event, parent in zip(events, parents, strict=True):
        span = spans[event.id]
        assert (span.attributes["cloudevents.event_type"], span.attributes["deal.id"]) == (
            "deal-registered",
            event.subject,
        )
        assert span.kind is SpanKind.CONSUMER
        assert (span.attributes["messaging.operation.name"], span.attributes["messaging.operation.type"]) == (
            "process",
            "process",
        )
        assert format(span.context.trace_id, "032x") == parent.split("-")[1]
        assert span.parent is not None and format(span.parent.span_id, "016x") == parent.split("-")[2]
        # The reward's outbox row continues this event's trace from its process span.
        ctx = span.context
        assert saved[event.subject] == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"
