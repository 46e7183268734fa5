"""The relay's and consumers' spans follow OpenTelemetry's messaging semantic conventions:
`send <topic>` (PRODUCER) and `process <topic>` (CONSUMER), with the operation's name and type
and the CloudEvent's id and type under `cloudevents.*`, so tracing back ends group them as Kafka."""

from __future__ import annotations

from typing import Any

import pytest
from aiokafka import ConsumerRecord
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import SpanKind

import events.consumer
from events.consumer import IdempotentConsumer
from events.outbox import send_attributes
from support.events import deal_data, deal_event


def test_the_send_span_names_the_operation_destination_key_and_event() -> None:
    row = {"topic": "deals.v1", "key": "deal-1", "event_id": "ev-1"}
    assert send_attributes(row) == {
        "messaging.system": "kafka",
        "messaging.operation.name": "send",
        "messaging.operation.type": "send",
        "messaging.destination.name": "deals.v1",
        "messaging.message.id": "ev-1",
        "messaging.kafka.message.key": "deal-1",
        "cloudevents.event_id": "ev-1",
    }
    assert "messaging.kafka.message.key" not in send_attributes({**row, "key": None})  # no key: no attribute


def test_the_process_span_continues_the_producer_and_carries_the_event(monkeypatch: pytest.MonkeyPatch) -> None:
    tracer = TracerProvider().get_tracer("test")
    monkeypatch.setattr(events.consumer, "tracer", tracer)
    consumer = IdempotentConsumer(
        name="incentives",
        topics=["deals.v1"],
        group_id="incentives",
        bootstrap_servers="127.0.0.1:1",
        session_factory=None,  # type: ignore[arg-type]  # never used: no event is applied here
        event_types={"deal-registered"},
        handler=None,  # type: ignore[arg-type]
    )
    event = deal_event("deal-registered", deal_data())
    parent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    record: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        topic="deals.v1",
        partition=4,
        offset=17,
        timestamp=0,
        timestamp_type=0,
        key=event.subject.encode(),
        value=event.to_json(),
        checksum=None,
        serialized_key_size=0,
        serialized_value_size=0,
        headers=(("traceparent", parent.encode()),),
    )
    span: Any = consumer._process_span(record, event)
    span.end()
    assert (span.name, span.kind) == ("process deals.v1", SpanKind.CONSUMER)
    assert format(span.context.trace_id, "032x") == "0af7651916cd43dd8448eb211c80319c"
    assert format(span.parent.span_id, "016x") == "b7ad6b7169203331"
    assert dict(span.attributes) == {
        "messaging.system": "kafka",
        "messaging.operation.name": "process",
        "messaging.operation.type": "process",
        "messaging.consumer.group.name": "incentives",
        "messaging.destination.name": "deals.v1",
        "messaging.destination.partition.id": "4",
        "messaging.kafka.offset": 17,
        "messaging.message.id": event.id,
        "messaging.kafka.message.key": event.subject,
        "cloudevents.event_type": "deal-registered",
        "cloudevents.event_id": event.id,
        "deal.id": event.subject,
    }
