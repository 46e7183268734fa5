"""The AsyncAPI 3.0 document of our Kafka topics, built from this library's own definitions.

Topics, partitions, keys, owners and readers come from events.topics, the event types and
their data schemas from events.schemas, the headers from what the relay and the consumers
write (content-type, W3C trace context, the dead-letter headers). `python -m events.asyncapi`
prints it as YAML (needs PyYAML, a development tool); docs/asyncapi.yaml is that output, and a
test fails when the two differ.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic.json_schema import models_json_schema

from events.envelope import CONTENT_TYPE
from events.schemas import DATA_MODELS, SCHEMA_VERSION, sort_enums
from events.topics import (
    DEALS,
    DLQ_PARTITIONS,
    INCENTIVES,
    PARTITIONS,
    PARTNERS,
    PIPELINE,
    SERVICE_READS,
    TOPIC_OF_TYPE,
    TOPIC_OWNERS,
    dead_letter_topic,
    source_of,
)

DOCUMENT_VERSION = "1.1.0"
KAFKA_BINDING_VERSION = "0.5.0"

# What each topic's record key is: all of one key's events are on one partition, in order.
TOPIC_KEYS: dict[str, str] = {
    DEALS: "The deal id: a deal's events are in order.",
    INCENTIVES: "The deal id (payout-created: the payout id): a deal's rewards are in order.",
    PIPELINE: "The partner id: a partner's figures are in order.",
    PARTNERS: "The partner id: a partner's enrolment changes are in order.",
}
TOPIC_SUMMARIES: dict[str, str] = {
    DEALS: "Every change of a registered deal: registration, decisions, stages, closing, expiry.",
    INCENTIVES: "Rewards earned and clawed back (one ledger entry each), and payouts.",
    PIPELINE: "A partner's pipeline figures against plan for one period, and at-risk flags.",
    PARTNERS: "A partner's enrolment (its terms) with one vendor.",
}
_CHANNEL_IDS = {DEALS: "deals", INCENTIVES: "incentives", PIPELINE: "pipeline", PARTNERS: "partners"}

_TRACE_HEADERS: dict[str, Any] = {
    "content-type": {"type": "string", "const": CONTENT_TYPE.split(";")[0] + "; charset=utf-8"},
    "traceparent": {
        "type": "string",
        "description": "W3C trace context of the publishing span: continue the trace from it.",
        "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
    },
    "tracestate": {"type": "string", "description": "W3C trace state, when the trace has any."},
}
_DLQ_HEADERS: dict[str, Any] = {
    "dlq-reason": {"type": "string", "maxLength": 2000, "description": "Why the consumer gave up on the record."},
    "dlq-consumer": {"type": "string", "description": "The consumer (group) that dead-lettered it."},
    "dlq-original-topic": {"type": "string"},
    "dlq-original-partition": {"type": "string", "pattern": "^[0-9]+$"},
    "dlq-original-offset": {"type": "string", "pattern": "^[0-9]+$"},
}

_CLOUD_EVENT: dict[str, Any] = {
    "type": "object",
    "description": "A CloudEvents 1.0 structured-mode JSON record value. Unknown attributes (extensions) may appear.",
    "required": ["specversion", "id", "source", "type", "time", "data"],
    "properties": {
        "specversion": {"type": "string", "const": "1.0"},
        "id": {"type": "string", "minLength": 1, "maxLength": 200, "description": "Unique (a UUID): deduplicate on it"},
        "source": {"type": "string", "description": "The producing service, `/services/<name>`: the topic's owner"},
        "type": {"type": "string"},
        "subject": {"type": "string", "maxLength": 200, "description": "The deal id, or the partner id"},
        "time": {"type": "string", "format": "date-time", "description": "RFC 3339, in UTC"},
        "datacontenttype": {"type": "string", "const": "application/json"},
        "dataschema": {
            "type": "string",
            "format": "uri",
            "description": "The URL of `data`'s JSON Schema on the producing service "
            "(`GET /schemas/events/<type>.json`)",
        },
        "data": {"type": "object"},
    },
}


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace(".", "-").split("-"))


def _headers(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": properties}


def _data_schemas() -> dict[str, Any]:
    """Every data model's JSON Schema under components/schemas, as producers serialise it."""
    models = sorted(set(DATA_MODELS.values()), key=lambda m: m.__name__)
    _, top = models_json_schema([(m, "serialization") for m in models], ref_template="#/components/schemas/{model}")
    schemas = dict(sorted(top.get("$defs", {}).items()))
    sort_enums(schemas)
    return schemas


def _message(event_type: str) -> dict[str, Any]:
    topic = TOPIC_OF_TYPE[event_type]
    model = DATA_MODELS[event_type]
    return {
        "name": event_type,
        "title": event_type,
        "summary": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else event_type,
        "contentType": "application/cloudevents+json",
        "headers": {"$ref": "#/components/schemas/KafkaHeaders"},
        "payload": {
            "allOf": [
                {"$ref": "#/components/schemas/CloudEvent"},
                {
                    "type": "object",
                    "properties": {
                        "type": {"const": event_type},
                        "source": {"const": source_of(TOPIC_OWNERS[topic])},
                        "data": {"$ref": f"#/components/schemas/{model.__name__}"},
                    },
                },
            ]
        },
        "bindings": {
            "kafka": {
                "key": {"type": "string", "description": TOPIC_KEYS[topic]},
                "bindingVersion": KAFKA_BINDING_VERSION,
            }
        },
        "x-schema-version": SCHEMA_VERSION,
    }


def build() -> dict[str, Any]:
    """The AsyncAPI 3.0 document (a plain dict, in a stable order)."""
    types_by_topic: dict[str, list[str]] = {topic: [] for topic in PARTITIONS}
    for event_type, topic in TOPIC_OF_TYPE.items():
        types_by_topic[topic].append(event_type)

    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for topic, types in types_by_topic.items():
        channel_id = _CHANNEL_IDS[topic]
        owner = TOPIC_OWNERS[topic]
        channels[channel_id] = {
            "address": topic,
            "title": topic,
            "summary": TOPIC_SUMMARIES[topic],
            "description": f"Written by {owner} only (Kafka ACLs; consumers drop other sources). "
            f"Record key: {TOPIC_KEYS[topic].lower()}",
            "messages": {t: {"$ref": f"#/components/messages/{t}"} for t in types},
            "bindings": {"kafka": {"partitions": PARTITIONS[topic], "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        channels[f"{channel_id}Dlq"] = {
            "address": dead_letter_topic(topic),
            "title": dead_letter_topic(topic),
            "summary": f"Records of {topic} a consumer could not apply, with the reason in the headers.",
            "messages": {"deadLettered": {"$ref": "#/components/messages/deadLettered"}},
            "bindings": {"kafka": {"partitions": DLQ_PARTITIONS, "bindingVersion": KAFKA_BINDING_VERSION}},
        }
        operations[f"{owner}Sends{_camel(channel_id)}"] = {
            "action": "send",
            "title": f"{owner} publishes {topic}",
            "summary": "Through the transactional outbox: published once the change that caused it committed.",
            "channel": {"$ref": f"#/channels/{channel_id}"},
            "messages": [{"$ref": f"#/channels/{channel_id}/messages/{t}"} for t in types],
        }
        for reader, topics in SERVICE_READS.items():
            if topic not in topics:
                continue
            operations[f"{reader}Receives{_camel(channel_id)}"] = {
                "action": "receive",
                "title": f"{reader} consumes {topic}",
                "summary": "Exactly once in effect: the effect and the event id commit together.",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "messages": [{"$ref": f"#/channels/{channel_id}/messages/{t}"} for t in types],
            }
            operations[f"{reader}DeadLetters{_camel(channel_id)}"] = {
                "action": "send",
                "title": f"{reader} dead-letters what it cannot apply from {topic}",
                "channel": {"$ref": f"#/channels/{channel_id}Dlq"},
                "messages": [{"$ref": f"#/channels/{channel_id}Dlq/messages/deadLettered"}],
            }

    messages = {t: _message(t) for t in sorted(TOPIC_OF_TYPE)}
    messages["deadLettered"] = {
        "name": "deadLettered",
        "title": "A dead-lettered record",
        "summary": "The original record's key and value, unchanged, with its headers and the dlq-* headers.",
        "contentType": "application/cloudevents+json",
        "headers": {"$ref": "#/components/schemas/DeadLetterHeaders"},
        "payload": {"description": "The original record's value, byte for byte (it may not even be JSON)."},
    }
    schemas: dict[str, Any] = {
        "CloudEvent": _CLOUD_EVENT,
        "KafkaHeaders": _headers(_TRACE_HEADERS, ["content-type"]),
        "DeadLetterHeaders": _headers(
            {**_TRACE_HEADERS, **_DLQ_HEADERS}, ["dlq-reason", "dlq-original-topic", "dlq-original-offset"]
        ),
        **_data_schemas(),
    }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Channel platform events",
            "version": DOCUMENT_VERSION,
            "description": "The Kafka topics of the channel platform: deal registrations, rewards, pipeline "
            "figures and partner enrolments, each record a CloudEvent. Events of one key are in order; a "
            "consumer may see a record more than once and must deduplicate on the event id. The contract only "
            "ever adds: unknown event types and properties are to be ignored.",
        },
        "defaultContentType": "application/cloudevents+json",
        "servers": {
            "local": {
                "host": "127.0.0.1:9094",
                "protocol": "kafka",
                "description": "`make run`'s broker: SASL/SCRAM-SHA-512 over plaintext, a user per service.",
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            },
            "production": {
                "host": "platform-kafka-kafka-bootstrap.kafka.svc:9093",
                "protocol": "kafka-secure",
                "description": "Strimzi's listener: TLS with SCRAM-SHA-512, a KafkaUser per service.",
                "security": [{"$ref": "#/components/securitySchemes/scram"}],
            },
        },
        "channels": channels,
        "operations": operations,
        "components": {
            "messages": messages,
            "schemas": schemas,
            "securitySchemes": {
                "scram": {
                    "type": "scramSha512",
                    "description": "One user per service; ACLs let only a topic's owner write it.",
                }
            },
        },
    }


def render() -> str:
    import yaml  # a development tool: only generating the document needs it

    header = "# Generated by `python -m events.asyncapi` (make docs): do not edit by hand.\n"
    return header + yaml.safe_dump(build(), sort_keys=False, width=110, allow_unicode=True)


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(render())
