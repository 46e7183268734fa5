"""Every error a client sees is an RFC 9457 problem document, and leaks nothing internal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from opentelemetry.sdk.trace import TracerProvider
from pydantic import BaseModel, Field
from starlette.types import Receive, Scope, Send

from servicekit.problems import PROBLEM_JSON, Problem, conflict, forbidden, install_problem_handlers, not_found

SECRET_TEXT = "db password is hunter2"


class Item(BaseModel):
    name: str = Field(min_length=1)
    quantity: int = Field(ge=1)


def build_app() -> FastAPI:
    # FastAPI's own telemetry would start a second server span once another test has set a
    # global tracer provider; here the test's outer span plays the instrumentation's part.
    app = FastAPI(telemetry={"tracing": False})
    install_problem_handlers(app)

    @app.get("/items/{item_id}")
    async def get_item(item_id: int) -> dict[str, int]:
        if item_id == 404:
            raise not_found("item")
        if item_id == 403:
            raise forbidden("Not your item.")
        if item_id == 409:
            raise conflict("The item changed.", current_version=3)
        if item_id == 401:
            raise Problem(401, "Token please.", headers={"WWW-Authenticate": "Bearer"})
        if item_id == 418:
            raise Problem(418, "Short and stout.", title="Teapot", type_="/problems/teapot")
        return {"id": item_id}

    @app.post("/items")
    async def create_item(item: Item) -> dict[str, Any]:
        return item.model_dump()

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError(SECRET_TEXT)

    return app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(build_app(), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "status", "title", "detail"),
    [
        ("/items/404", 404, "Not Found", "No such item."),
        ("/items/403", 403, "Forbidden", "Not your item."),
        ("/items/409", 409, "Conflict", "The item changed."),
        ("/items/401", 401, "Unauthorized", "Token please."),
        ("/items/418", 418, "Teapot", "Short and stout."),
    ],
)
def test_raised_problem_answers_problem_json(
    client: TestClient, path: str, status: int, title: str, detail: str
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert (body["status"], body["title"], body["detail"]) == (status, title, detail)
    assert body["instance"] == path
    assert body["type"] == ("/problems/teapot" if status == 418 else "about:blank")


def test_problem_extras_appear_in_the_body(client: TestClient) -> None:
    assert client.get("/items/409").json()["current_version"] == 3


def test_problem_headers_are_sent(client: TestClient) -> None:
    assert client.get("/items/401").headers["www-authenticate"] == "Bearer"


def test_success_is_untouched(client: TestClient) -> None:
    response = client.get("/items/5")
    assert (response.status_code, response.json()) == (200, {"id": 5})


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json() == {
        "type": "about:blank",
        "title": "Not Found",
        "status": 404,
        "detail": "Not Found",
        "instance": "/nowhere",
    }


def test_wrong_method_is_a_405_problem_with_allow(client: TestClient) -> None:
    response = client.delete("/items/5")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["status"] == 405
    assert "GET" in response.headers["allow"]


def test_validation_errors_list_loc_and_msg_per_bad_field(client: TestClient) -> None:
    response = client.post("/items", json={"name": "", "quantity": 0})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["type"] == "/problems/validation-error"
    assert body["title"] == "Unprocessable Content"
    assert body["status"] == 422
    assert body["detail"]
    assert sorted(e["loc"] for e in body["errors"]) == [["body", "name"], ["body", "quantity"]]
    assert all(isinstance(e["msg"], str) and e["msg"] for e in body["errors"])


def test_validation_error_for_path_parameter(client: TestClient) -> None:
    body = client.get("/items/abc").json()
    assert body["status"] == 422
    assert [e["loc"] for e in body["errors"]] == [["path", "item_id"]]


def test_validation_errors_do_not_echo_the_input(client: TestClient) -> None:
    response = client.post("/items", json={"name": "ok", "quantity": SECRET_TEXT})
    assert response.status_code == 422
    assert SECRET_TEXT not in response.text


def test_unparseable_json_body_is_a_422_problem(client: TestClient) -> None:
    response = client.post("/items", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["errors"]


def test_unexpected_exception_is_a_500_problem_without_internals(client: TestClient) -> None:
    response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM_JSON
    body = response.json()
    assert body["status"] == 500
    assert body["title"] == "Internal Server Error"
    assert "Trace id" in body["detail"]
    assert SECRET_TEXT not in response.text
    assert "RuntimeError" not in response.text
    assert "Traceback" not in response.text
    assert "File " not in response.text


def test_unexpected_exception_names_the_trace_of_the_request() -> None:
    """With the request traced (as the instrumentation does around the whole app), the 500 names that trace."""
    tracer = TracerProvider().get_tracer("test")
    app = build_app()
    trace_ids: list[str] = []

    async def traced(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        with tracer.start_as_current_span("request") as span:
            trace_ids.append(format(span.get_span_context().trace_id, "032x"))
            await app(scope, receive, send)

    with TestClient(traced, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert len(trace_ids) == 1
    assert f"Trace id: {trace_ids[0]}" in response.json()["detail"]
    assert trace_ids[0] != "0" * 32


def test_problem_body_without_request_has_no_instance() -> None:
    assert Problem(400, "Bad.").body() == {
        "type": "about:blank",
        "title": "Bad Request",
        "status": 400,
        "detail": "Bad.",
    }
