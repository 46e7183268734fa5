"""The four services' OpenAPI documents: valid OpenAPI 3.1, committed as generated, and complete for
integrators (bearer security, readable operation ids, Idempotency-Key and If-Match, examples that
match their schemas, notifications' webhooks). Built from the apps without any database."""

from __future__ import annotations

import json
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from devstack.apidocs import OPENAPI_DIR, openapi_document
from devstack.infra import SERVICES
from events.schemas import event_schema
from servicekit.event_schemas import produced_event_types
from servicekit.openapi import BEARER

PUBLIC_PATHS = {"/healthz", "/readyz"}
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def documents() -> dict[str, dict[str, Any]]:
    return {s: openapi_document(s) for s in SERVICES}


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items() if m in METHODS]


@pytest.mark.parametrize("service", SERVICES)
def test_document_is_valid_openapi_and_committed_as_generated(documents: dict[str, Any], service: str) -> None:
    doc = documents[service]
    validate(doc)  # openapi-spec-validator: raises on an invalid document
    assert doc["openapi"].startswith("3.1")
    committed = OPENAPI_DIR / f"{service}.json"
    assert json.loads(committed.read_text(encoding="utf-8")) == doc, f"{committed} is stale: run `make docs`"


def test_the_validator_refuses_a_broken_document(documents: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(documents["dealreg"]))
    broken["paths"]["/v1/deals"]["post"]["responses"]["201"]["content"]["application/json"]["schema"] = {
        "$ref": "#/components/schemas/NoSuchSchema"
    }
    with pytest.raises(Exception, match="NoSuchSchema"):
        validate(broken)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_but_the_public_ones_needs_the_bearer_token(documents: dict[str, Any], service: str) -> None:
    doc = documents[service]
    scheme = doc["components"]["securitySchemes"][BEARER]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")
    for path, method, op in _operations(doc):
        public = path in PUBLIC_PATHS or path.startswith("/schemas/")
        assert (op.get("security") == [{BEARER: []}]) != public, f"{method} {path}"
        if not public:
            assert "401" in op["responses"], f"{method} {path}"


@pytest.mark.parametrize("service", SERVICES)
def test_operation_ids_are_the_route_names(documents: dict[str, Any], service: str) -> None:
    ids = [op["operationId"] for _, _, op in _operations(documents[service])]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert "_v1_" not in operation_id and not operation_id.endswith(("_get", "_post", "_put")), operation_id
    if service == "dealreg":
        assert {"post_deal", "list_deals", "get_deal", "post_decision", "put_partner"} <= set(ids)


@pytest.mark.parametrize("service", SERVICES)
def test_idempotency_key_on_every_post_and_if_match_states_its_rule(documents: dict[str, Any], service: str) -> None:
    for path, method, op in _operations(documents[service]):
        headers = {p["name"]: p for p in op.get("parameters", []) if p["in"] == "header"}
        if method == "post":
            key = headers["Idempotency-Key"]
            assert key["schema"]["maxLength"] == 255 and not key["required"], path
            success = next(r for code, r in op["responses"].items() if code.startswith("2"))
            assert "Idempotent-Replayed" in success["headers"], path
        if "If-Match" in headers:
            assert "pattern" in headers["If-Match"]["schema"], path
            assert "412" in op["responses"], path


def _validator(doc: dict[str, Any], schema: dict[str, Any]) -> jsonschema.Validator:
    # The document's components as the root, so "#/components/schemas/..." resolves.
    root = {**doc, **schema}
    return jsonschema.Draft202012Validator(root)


def test_examples_from_the_readme_tour_match_their_schemas(documents: dict[str, Any]) -> None:
    checked = 0
    for doc in documents.values():
        for path, method, op in _operations(doc):
            bodies = [op.get("requestBody", {}), *list(op["responses"].values())]
            for body in bodies:
                for media in body.get("content", {}).values():
                    for example in media.get("examples", {}).values():
                        assert "schema" in media, f"{method} {path}: an example without a schema"
                        errors = list(_validator(doc, media["schema"]).iter_errors(example["value"]))
                        assert errors == [], f"{method} {path}: {[e.message for e in errors]}"
                        checked += 1
    assert checked >= 6  # partner in/out, deal in/out/422, program in, earnings out


def test_the_deal_example_is_refused_by_the_schema_when_broken(documents: dict[str, Any]) -> None:
    doc = documents["dealreg"]
    media = doc["paths"]["/v1/deals"]["post"]["requestBody"]["content"]["application/json"]
    example = dict(media["examples"]["tour"]["value"], currency="usd")
    assert not _validator(doc, media["schema"]).is_valid(example)


def test_notifications_documents_each_webhook_it_sends(documents: dict[str, Any]) -> None:
    from notifications.domain.routing import KNOWN_EVENT_TYPES

    webhooks = documents["notifications"]["webhooks"]
    assert set(webhooks) == set(KNOWN_EVENT_TYPES)
    op = webhooks["reward-earned"]["post"]
    assert {p["name"] for p in op["parameters"]} == {"webhook-id", "webhook-timestamp", "webhook-signature"}
    body = op["requestBody"]["content"]["application/cloudevents+json"]["schema"]
    envelope = documents["notifications"]["components"]["schemas"][body["$ref"].rsplit("/", 1)[1]]
    assert envelope["properties"]["type"]["const"] == "reward-earned"
    assert "410" in op["responses"]


@pytest.mark.parametrize("service", SERVICES)
def test_producers_serve_their_event_schemas_without_a_token(service: str) -> None:
    import importlib

    settings = importlib.import_module(f"{service}.config").Settings(environment="development")
    app = importlib.import_module(f"{service}.main").create_app(settings)
    client = TestClient(app)  # no lifespan: the route needs no database
    produced = produced_event_types(service)
    assert bool(produced) == (service != "notifications")
    for event_type in produced:
        response = client.get(f"/schemas/events/{event_type}.json")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/schema+json"
        assert response.json() == event_schema(event_type)
    unknown = client.get("/schemas/events/no-such-event.json")
    assert unknown.status_code == 404
    assert unknown.headers["content-type"] == "application/problem+json"


def test_a_decimal_given_as_a_string_states_its_digits_and_decimal_places(documents: dict[str, Any]) -> None:
    margin = documents["dealreg"]["components"]["schemas"]["DealCreate"]["properties"]["margin_pct"]
    number, text = margin["anyOf"]
    assert (number["minimum"], number["maximum"]) == (0, 100)
    validator = jsonschema.Draft202012Validator(text)
    for accepted in ("25", "12.5", "99.1234", "0.50"):
        assert validator.is_valid(accepted), accepted
    for refused in ("12.34567", "NaN", "1234.5", "25%", ""):
        assert not validator.is_valid(refused), refused
