"""Request bodies over the limit are refused with a 413 problem, declared or streamed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from servicekit.limits import BodySizeLimitMiddleware
from servicekit.problems import PROBLEM_JSON, install_problem_handlers

LIMIT = 10


def build_app(limit: int = LIMIT) -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)

    @app.post("/echo")
    async def echo(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    @app.post("/model")
    async def model(body: dict[str, str]) -> dict[str, int]:
        return {"keys": len(body)}

    @app.get("/ping")
    async def ping() -> dict[str, bool]:
        return {"ok": True}

    app.add_middleware(BodySizeLimitMiddleware, max_bytes=limit)
    return app


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(build_app()) as c:
        yield c


def _streamed(*chunks: bytes) -> Iterator[bytes]:
    """A body sent in chunks, without a content-length."""
    yield from chunks


def assert_413(status: int, content_type: str, body: dict[str, object]) -> None:
    assert status == 413
    assert content_type == PROBLEM_JSON
    assert body["status"] == 413
    assert body["title"] == "Request Entity Too Large"
    assert f"{LIMIT} bytes" in str(body["detail"])


def test_body_at_the_limit_is_accepted(client: TestClient) -> None:
    response = client.post("/echo", content=b"x" * LIMIT)
    assert (response.status_code, response.json()) == (200, {"received": LIMIT})


def test_declared_body_over_the_limit_is_refused(client: TestClient) -> None:
    response = client.post("/echo", content=b"x" * (LIMIT + 1))
    assert_413(response.status_code, response.headers["content-type"], response.json())


def test_streamed_body_over_the_limit_is_refused(client: TestClient) -> None:
    response = client.post("/echo", content=_streamed(b"x" * 6, b"x" * 6))
    assert "content-length" not in response.request.headers
    assert_413(response.status_code, response.headers["content-type"], response.json())


def test_streamed_body_over_the_limit_is_413_even_for_a_route_parsing_json(client: TestClient) -> None:
    response = client.post(
        "/model", content=_streamed(b'{"a": "', b'xxxxxxxx"}'), headers={"content-type": "application/json"}
    )
    assert_413(response.status_code, response.headers["content-type"], response.json())


def test_streamed_body_within_the_limit_is_accepted(client: TestClient) -> None:
    response = client.post("/echo", content=_streamed(b"x" * 4, b"x" * 4))
    assert (response.status_code, response.json()) == (200, {"received": 8})


def test_requests_without_a_body_pass(client: TestClient) -> None:
    assert client.get("/ping").json() == {"ok": True}


async def test_declared_length_is_refused_before_the_app_runs() -> None:
    calls: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        calls.append("app")

    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "path": "/x",
        "query_string": b"",
        "headers": [(b"content-length", str(LIMIT * 1000).encode())],
    }
    await BodySizeLimitMiddleware(app, LIMIT)(scope, receive, send)
    assert calls == []
    assert sent[0]["status"] == 413


async def test_streamed_body_stops_being_read_once_over_the_limit() -> None:
    chunks = [b"x" * 6, b"x" * 6, b"x" * 6, b"x" * 6]
    handed_out: list[int] = []

    async def receive() -> Message:
        handed_out.append(1)
        chunk = chunks[len(handed_out) - 1]
        return {"type": "http.request", "body": chunk, "more_body": len(handed_out) < len(chunks)}

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {"type": "http", "method": "POST", "path": "/x", "query_string": b"", "headers": []}
    await BodySizeLimitMiddleware(app, LIMIT)(scope, receive, send)
    assert len(handed_out) == 2
    assert sent[0]["status"] == 413


async def test_non_http_scopes_pass_through() -> None:
    seen: list[str] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope["type"])

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        return None

    await BodySizeLimitMiddleware(app, LIMIT)({"type": "lifespan"}, receive, send)
    assert seen == ["lifespan"]


@pytest.fixture(scope="module")
def roomy() -> Iterator[TestClient]:
    with TestClient(build_app(limit=10_000)) as c:
        yield c


def test_a_nul_character_in_a_json_string_is_a_422_naming_the_field(roomy: TestClient) -> None:
    response = roomy.post("/model", content=b'{"name": "a\\u0000b"}', headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM_JSON
    assert response.json()["errors"][0]["loc"] == ["body", "name"]


def test_a_nul_character_in_the_path_or_query_is_a_422(roomy: TestClient) -> None:
    assert roomy.get("/ping?vendor_id=%00x").json()["errors"][0]["loc"] == ["query"]
    assert roomy.get("/ping%00").status_code == 422


def test_an_escaped_backslash_before_u0000_is_not_a_nul(roomy: TestClient) -> None:
    response = roomy.post("/model", content=b'{"name": "a\\\\u0000b"}', headers={"content-type": "application/json"})
    assert (response.status_code, response.json()) == (200, {"keys": 1})
