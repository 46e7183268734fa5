"""The CloudEvents envelope and the typed data of every event type."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
from pydantic import ValidationError

from events.envelope import CloudEvent, new_event, schema_uri
from events.schemas import (
    DATA_MODELS,
    DealEventData,
    PayoutCreatedData,
    PipelineFiguresData,
    RewardData,
    UnknownEventType,
    json_schemas,
    parse_data,
)
from events.topics import DEAL_EVENT_TYPES, TOPIC_OF_TYPE

NOW = datetime(2026, 3, 2, 10, 30, tzinfo=UTC)


def deal_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "d-1",
        "vendor_id": "v1",
        "partner_id": "p1",
        "rep": {"id": "r1", "email": "rep@example.com"},
        "customer": {"name": "Globex", "domain": "globex.com", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 2, "unit_price": "6000.00"}],
        "currency": "USD",
        "amount": "12000.10",
        "margin_pct": "12.5",
        "margin_amount": "1500.01",
        "status": "pending_approval",
        "stage": "registered",
        "created_at": "2026-03-02T10:30:00Z",
        "updated_at": "2026-03-02T10:30:00Z",
        "version": 1,
        "partner": {"id": "p1", "tier": 2, "region": "EMEA"},
    }
    data.update(overrides)
    return data


REWARD = {
    "entry_id": "e1",
    "deal_id": "d-1",
    "rep_id": "r1",
    "partner_id": "p1",
    "vendor_id": "v1",
    "program_id": "prog",
    "kind": "registration",
    "amount": "50.00",
    "currency": "USD",
    "source_event_id": "evt-1",
}
PAYOUT = {
    "payout_id": "po1",
    "vendor_id": "v1",
    "up_to": "2026-03-01T00:00:00Z",
    "currency": "USD",
    "total": "1234.56",
    "line_count": 3,
}
PIPELINE = {
    "partner_id": "p1",
    "vendor_id": "v1",
    "period": "2026-Q1",
    "coverage": "1.25",
    "figures": {"open": "100.00"},
}

VALID_DATA: dict[str, dict[str, Any]] = {
    **{t: deal_data() for t in DEAL_EVENT_TYPES},
    "reward-earned": REWARD,
    "reward-clawed-back": {**REWARD, "kind": "clawback", "amount": "-50.00"},
    "payout-created": PAYOUT,
    "pipeline-updated": PIPELINE,
    "pipeline-at-risk": {**PIPELINE, "at_risk_threshold": "0.8"},
}


def test_new_event_fills_the_cloudevents_attributes() -> None:
    before = datetime.now(UTC)
    event = new_event(event_type="deal-registered", service="dealreg", subject="d-1", data={"k": 1})
    assert event.specversion == "1.0"
    assert event.source == "/services/dealreg"
    assert event.type == "deal-registered"
    assert event.subject == "d-1"
    assert event.dataschema == schema_uri("deal-registered", "dealreg")
    assert event.dataschema.startswith("http") and event.dataschema.endswith("/schemas/events/deal-registered.json")
    assert event.datacontenttype == "application/json"
    assert uuid.UUID(event.id).version == 4
    assert event.time.utcoffset() == UTC.utcoffset(None)
    assert before <= event.time <= datetime.now(UTC)
    assert event.data == {"k": 1}


def test_new_event_ids_are_unique() -> None:
    ids = {new_event(event_type="x", service="s", subject=None, data={}).id for _ in range(50)}
    assert len(ids) == 50


def test_new_event_keeps_given_id_and_time() -> None:
    event = new_event(event_type="x", service="s", subject=None, data={}, event_id="evt-7", time=NOW)
    assert (event.id, event.time) == ("evt-7", NOW)


def test_json_round_trip_keeps_everything_including_extensions() -> None:
    event = new_event(event_type="deal-approved", service="dealreg", subject="d-1", data=deal_data(), time=NOW)
    traceparent = "00-" + "a" * 32 + "-" + "b" * 16 + "-01"
    extended = CloudEvent.model_validate({**event.model_dump(), "traceparent": traceparent, "partitionkey": "d-1"})
    back = CloudEvent.from_json(extended.to_json())
    assert back == extended
    assert back.model_extra == {"traceparent": traceparent, "partitionkey": "d-1"}
    assert back.data == event.data


def test_wire_form_is_structured_json_with_utc_time_and_no_nulls() -> None:
    event = new_event(event_type="x", service="s", subject=None, data={"reason": None}, event_id="e", time=NOW)
    wire = orjson.loads(event.to_json())
    assert wire["specversion"] == "1.0"
    assert wire["time"] == "2026-03-02T10:30:00Z"
    assert "subject" not in wire
    assert wire["data"] == {"reason": None}


# A minimal valid envelope as it comes over the wire.
WIRE_ENVELOPE: dict[str, Any] = {
    "specversion": "1.0",
    "id": "e1",
    "source": "/services/x",
    "type": "t",
    "time": "2026-03-02T10:30:00Z",
    "data": {},
}


def test_from_json_accepts_str_and_unknown_attributes() -> None:
    raw = orjson.dumps({**WIRE_ENVELOPE, "myext": "v"}).decode()
    assert CloudEvent.from_json(raw).model_extra == {"myext": "v"}


@pytest.mark.parametrize(
    "change",
    [
        {"specversion": "0.3"},
        {"id": ""},
        {"source": ""},
        {"type": ""},
        {"time": "yesterday"},
        {"data": "not an object"},
        {"id": None},
    ],
)
def test_from_json_refuses_a_broken_envelope(change: dict[str, Any]) -> None:
    doc = {**WIRE_ENVELOPE, **change}
    with pytest.raises(ValidationError):
        CloudEvent.from_json(orjson.dumps(doc))


def test_envelope_is_immutable() -> None:
    event = new_event(event_type="x", service="s", subject=None, data={})
    with pytest.raises(ValidationError):
        event.type = "y"  # type: ignore[misc]


def test_every_event_type_on_a_topic_has_a_data_model() -> None:
    assert set(DATA_MODELS) == set(TOPIC_OF_TYPE)
    assert len(DATA_MODELS) == 15


@pytest.mark.parametrize("event_type", sorted(VALID_DATA))
def test_parse_data_validates_each_event_type(event_type: str) -> None:
    event = new_event(event_type=event_type, service="s", subject=None, data=VALID_DATA[event_type])
    parsed = parse_data(event)
    assert isinstance(parsed, DATA_MODELS[event_type])


@pytest.mark.parametrize("event_type", sorted(VALID_DATA))
def test_parse_data_refuses_data_missing_required_fields(event_type: str) -> None:
    event = new_event(event_type=event_type, service="s", subject=None, data={"unexpected": 1})
    with pytest.raises(ValidationError):
        parse_data(event)


def test_deal_data_money_is_exact_decimal() -> None:
    event = new_event(event_type="deal-registered", service="dealreg", subject="d-1", data=deal_data())
    deal = parse_data(event)
    assert isinstance(deal, DealEventData)
    assert deal.amount == Decimal("12000.10")
    assert str(deal.amount) == "12000.10"
    assert deal.margin_amount == Decimal("1500.01")
    assert deal.products[0].unit_price == Decimal("6000.00")
    assert deal.partner.tier == 2
    assert deal.created_at == NOW


def test_deal_data_money_survives_the_wire_exactly() -> None:
    event = new_event(
        event_type="deal-closed",
        service="dealreg",
        subject="d-1",
        data=deal_data(amount="0.10", final_amount="2.675", status="closed", outcome="won"),
    )
    deal = parse_data(CloudEvent.from_json(event.to_json()))
    assert isinstance(deal, DealEventData)
    assert deal.amount == Decimal("0.10")
    assert deal.final_amount == Decimal("2.675")


def test_deal_data_keeps_fields_the_contract_adds_later() -> None:
    deal = DealEventData.model_validate(deal_data(new_field="future"))
    assert deal.model_extra == {"new_field": "future"}


@pytest.mark.parametrize(
    "change",
    [{"status": "on_hold"}, {"stage": "won"}, {"amount": "lots"}, {"outcome": "maybe"}, {"partner": {"id": "p1"}}],
)
def test_deal_data_refuses_values_outside_the_contract(change: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        DealEventData.model_validate(deal_data(**change))


def test_reward_kind_is_checked() -> None:
    with pytest.raises(ValidationError):
        RewardData.model_validate({**REWARD, "kind": "bonus"})


def test_payout_and_pipeline_data_parse_decimals() -> None:
    assert PayoutCreatedData.model_validate(PAYOUT).total == Decimal("1234.56")
    figures = PipelineFiguresData.model_validate({"partner_id": "p1", "vendor_id": "v1", "period": "2026-Q1"})
    assert (figures.coverage, figures.figures) == (None, {})


def test_unknown_event_type_raises_unknown_event_type() -> None:
    event = new_event(event_type="deal-teleported", service="s", subject=None, data={})
    with pytest.raises(UnknownEventType, match="deal-teleported"):
        parse_data(event)


def test_json_schemas_cover_every_event_type() -> None:
    schemas = json_schemas()
    assert set(schemas) == set(DATA_MODELS)
    assert "amount" in schemas["deal-registered"]["required"]


def test_an_event_time_without_offset_is_refused_and_times_are_kept_in_utc() -> None:
    import pydantic

    base = {"id": "1", "source": "/services/x", "type": "deal-registered", "data": {}}
    with pytest.raises(pydantic.ValidationError):
        CloudEvent.model_validate({**base, "time": "2026-03-02T10:30:00"})
    event = CloudEvent.model_validate({**base, "time": "2026-03-02T12:30:00+02:00"})
    assert event.time.isoformat() == "2026-03-02T10:30:00+00:00"
