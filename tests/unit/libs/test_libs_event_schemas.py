"""Committed event schemas: equal to what libs/events generates, and only ever added to.

schemas/events/<type>.v1.json is what producers serve at GET /schemas/events/<type>.json;
schemas/events/baseline/ is v1 as first published (never regenerated): the code's schemas may
add to it, never break it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from events.envelope import new_event, schema_path, schema_uri, set_public_base_url
from events.schema_compat import breaking_changes
from events.schemas import DATA_MODELS, event_schema
from events.topics import TOPIC_OF_TYPE, TOPIC_OWNERS

ROOT = Path(__file__).resolve().parents[3]
COMMITTED = ROOT / "schemas" / "events"
BASELINE = COMMITTED / "baseline"


def _load(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@pytest.mark.parametrize("event_type", sorted(DATA_MODELS))
def test_committed_schema_is_what_the_code_generates(event_type: str) -> None:
    committed = COMMITTED / f"{event_type}.v1.json"
    assert committed.exists(), f"{committed} is missing: run `make docs`"
    assert _load(committed) == event_schema(event_type), f"{committed.name} is stale: run `make docs`"


def test_no_committed_schema_without_an_event_type() -> None:
    names = {p.name for p in COMMITTED.glob("*.v1.json")}
    assert names == {f"{t}.v1.json" for t in DATA_MODELS}


@pytest.mark.parametrize("baseline", sorted(BASELINE.glob("*.json")), ids=lambda p: p.stem)
def test_the_code_only_adds_to_the_published_baseline(baseline: Path) -> None:
    event_type = baseline.name.removesuffix(".v1.json")
    assert event_type in DATA_MODELS, f"event type {event_type} was published and may not disappear"
    assert breaking_changes(_load(baseline), event_schema(event_type)) == []


def test_every_event_type_has_a_baseline() -> None:
    # A new event type is published by committing its first schema as its baseline too.
    assert {p.name for p in BASELINE.glob("*.json")} == {f"{t}.v1.json" for t in DATA_MODELS}


@pytest.mark.parametrize("event_type", sorted(DATA_MODELS))
def test_committed_schema_is_a_valid_json_schema_that_accepts_a_produced_event(event_type: str) -> None:
    schema = event_schema(event_type)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert event_type in schema["title"]


def test_a_produced_reward_validates_against_its_schema_and_a_broken_one_does_not() -> None:
    data = {
        "entry_id": "e-1",
        "deal_id": "d-1",
        "rep_id": "rep-7",
        "partner_id": "p-100",
        "vendor_id": "acme",
        "program_id": "prog-1",
        "kind": "registration",
        "amount": "937.50",
        "currency": "USD",
        "source_event_id": "evt-1",
    }
    wire = json.loads(new_event(event_type="reward-earned", service="incentives", subject="d-1", data=data).to_json())
    validator = jsonschema.Draft202012Validator(event_schema("reward-earned"))
    assert list(validator.iter_errors(wire["data"])) == []
    assert not validator.is_valid({**wire["data"], "kind": "bonus"})
    assert not validator.is_valid({k: v for k, v in wire["data"].items() if k != "amount"})


def test_dataschema_is_the_producers_schema_url_and_follows_its_public_base_url() -> None:
    for event_type, topic in TOPIC_OF_TYPE.items():
        owner = TOPIC_OWNERS[topic]
        event = new_event(event_type=event_type, service=owner, subject="x", data={})
        assert event.dataschema == schema_uri(event_type, owner)
        assert event.dataschema is not None and event.dataschema.endswith(schema_path(event_type))
    before = schema_uri("deal-registered", "dealreg")
    try:
        set_public_base_url("dealreg", "https://dealreg.example.com/")
        event = new_event(event_type="deal-registered", service="dealreg", subject="d-1", data={})
        assert event.dataschema == "https://dealreg.example.com/schemas/events/deal-registered.json"
    finally:
        set_public_base_url("dealreg", before.removesuffix(schema_path("deal-registered")))


# --- the compatibility rule itself ------------------------------------------------------------------

OLD: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "string"},
        "amount": {"type": "string"},
        "kind": {"enum": ["registration", "clawback"], "type": "string"},
        "stage": {"anyOf": [{"type": "string"}, {"type": "null"}]},
        "rep": {"$ref": "#/$defs/Rep"},
        "lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}},
    },
    "required": ["id", "amount", "rep"],
    "$defs": {
        "Rep": {"type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]},
        "Line": {"type": "object", "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"}}},
    },
}


def _changed(path: list[str], value: Any) -> dict[str, Any]:
    new = json.loads(json.dumps(OLD))
    node = new
    for key in path[:-1]:
        node = node[key]
    if value is None:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return new


def test_an_identical_schema_and_an_added_optional_property_are_compatible() -> None:
    assert breaking_changes(OLD, OLD) == []
    added = _changed(["properties", "note"], {"type": "string"})
    added["$defs"]["Rep"]["properties"]["email"] = {"type": "string"}
    assert breaking_changes(OLD, added) == []


def test_widening_is_compatible() -> None:
    assert breaking_changes(OLD, _changed(["properties", "kind", "enum"], ["registration", "clawback", "bonus"])) == []
    assert breaking_changes(OLD, _changed(["properties", "amount"], {"type": ["string", "number"]})) == []
    assert breaking_changes(OLD, _changed(["properties", "kind", "enum"], None)) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ((["properties", "amount"], None), "$.amount: property removed"),
        ((["required"], ["id", "amount", "rep", "stage"]), "$.stage: newly required"),
        ((["required"], ["id", "rep"]), "$.amount: no longer required"),
        ((["properties", "amount"], {"type": "number"}), "$.amount: type 'string' is no longer allowed"),
        ((["properties", "kind", "enum"], ["registration"]), "$.kind: values no longer allowed: ['clawback']"),
        ((["properties", "stage"], {"type": "string"}), "$.stage: type 'null' is no longer allowed"),
        ((["$defs", "Rep", "properties", "id"], None), "$.rep.id: property removed"),
        ((["$defs", "Line", "properties", "quantity"], {"type": "string"}), "$.lines[].quantity: type 'integer'"),
        ((["additionalProperties"], False), "$: no longer accepts unknown properties"),
    ],
)
def test_a_breaking_change_is_named_by_its_path(change: tuple[list[str], Any], expected: str) -> None:
    problems = breaking_changes(OLD, _changed(*change))
    assert any(p.startswith(expected) for p in problems), problems
