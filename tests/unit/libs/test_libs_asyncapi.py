"""docs/asyncapi.yaml is what libs/events generates, and it describes every topic, key and event."""

from __future__ import annotations

from pathlib import Path

import yaml

from events.asyncapi import TOPIC_KEYS, build, render
from events.schemas import DATA_MODELS
from events.topics import PARTITIONS, SERVICE_READS, TOPIC_OF_TYPE, TOPIC_OWNERS, dead_letter_topic

COMMITTED = Path(__file__).resolve().parents[3] / "docs" / "asyncapi.yaml"


def test_the_committed_document_is_what_the_code_generates() -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(), "docs/asyncapi.yaml is stale: run `make docs`"


def test_every_topic_and_its_dead_letter_topic_is_a_channel_with_its_partitions() -> None:
    channels = {c["address"]: c for c in build()["channels"].values()}
    for topic, partitions in PARTITIONS.items():
        assert channels[topic]["bindings"]["kafka"]["partitions"] == partitions
        assert dead_letter_topic(topic) in channels
        assert TOPIC_OWNERS[topic] in channels[topic]["description"]


def test_every_event_type_is_a_message_on_its_topic_with_its_key_and_data_schema() -> None:
    doc = build()
    messages = doc["components"]["messages"]
    channels = {c["address"]: c for c in doc["channels"].values()}
    for event_type, topic in TOPIC_OF_TYPE.items():
        assert event_type in channels[topic]["messages"]
        message = messages[event_type]
        assert message["bindings"]["kafka"]["key"]["description"] == TOPIC_KEYS[topic]
        envelope, typed = message["payload"]["allOf"]
        assert envelope == {"$ref": "#/components/schemas/CloudEvent"}
        assert typed["properties"]["type"] == {"const": event_type}
        data_ref = typed["properties"]["data"]["$ref"]
        assert data_ref == f"#/components/schemas/{DATA_MODELS[event_type].__name__}"
        assert data_ref.rsplit("/", 1)[1] in doc["components"]["schemas"]


def test_headers_carry_the_trace_context() -> None:
    headers = build()["components"]["schemas"]["KafkaHeaders"]["properties"]
    assert {"traceparent", "tracestate", "content-type"} <= set(headers)
    dlq = build()["components"]["schemas"]["DeadLetterHeaders"]["properties"]
    assert {"traceparent", "dlq-reason", "dlq-original-offset"} <= set(dlq)


def test_each_reader_has_a_receive_operation_and_each_owner_a_send() -> None:
    operations = build()["operations"].values()
    channels = build()["channels"]
    pairs = {
        (op["action"], channels[op["channel"]["$ref"].rsplit("/", 1)[1]]["address"], op["title"].split()[0])
        for op in operations
    }
    for reader, topics in SERVICE_READS.items():
        for topic in topics:
            assert ("receive", topic, reader) in pairs
    for topic, owner in TOPIC_OWNERS.items():
        assert ("send", topic, owner) in pairs


def test_the_yaml_parses_back_to_the_document() -> None:
    assert yaml.safe_load(render()) == build()
