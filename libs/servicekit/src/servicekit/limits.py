"""Request guards at the edge, before any route runs.

- Body size: a body over the limit is refused with 413. The body is read here (at most
  the limit, then reading stops) and replayed to the application, so a route that
  parses JSON never turns an oversized body into a 400.
- NUL characters: PostgreSQL text cannot hold U+0000, so a path, query or JSON string
  containing one is refused with a 422 naming where it is, instead of failing later.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from servicekit.problems import Problem, problem_response, validation_problem

_METHODS_WITH_BODY = {"POST", "PUT", "PATCH", "DELETE"}


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        nul_in = _nul_in_url(scope)
        if nul_in is not None:
            await problem_response(_nul_problem(nul_in), request)(scope, receive, send)
            return
        if scope["method"] not in _METHODS_WITH_BODY:
            await self.app(scope, receive, send)
            return
        too_large = Problem(413, f"The request body is larger than {self.max_bytes} bytes.")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > self.max_bytes:
            await problem_response(too_large, request)(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                chunks = []
                break
            body = message.get("body", b"")
            size += len(body)
            if size > self.max_bytes:
                await problem_response(too_large, request)(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        whole = b"".join(chunks)
        if b"\\u0000" in whole:
            loc = _nul_in_json(whole)
            if loc is not None:
                await problem_response(_nul_problem(["body", *loc]), request)(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": whole, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


def _nul_problem(loc: list[Any]) -> Problem:
    return validation_problem([{"loc": loc, "msg": "must not contain NUL (U+0000) characters", "type": "nul"}])


def _nul_in_url(scope: Scope) -> list[Any] | None:
    if "\x00" in scope.get("path", ""):
        return ["path"]
    query: bytes = scope.get("query_string", b"")
    if b"\x00" in unquote_to_bytes(query.replace(b"+", b" ")):
        return ["query"]
    return None


def _nul_in_json(body: bytes) -> list[Any] | None:
    """Where in a JSON document a string holds U+0000 (None if it is not JSON: the route says why)."""
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None

    def walk(node: Any, path: list[Any]) -> list[Any] | None:
        if isinstance(node, str):
            return path if "\x00" in node else None
        if isinstance(node, dict):
            for key, value in node.items():
                if "\x00" in key:
                    return [*path, key]
                found = walk(value, [*path, key])
                if found is not None:
                    return found
        if isinstance(node, list):
            for i, value in enumerate(node):
                found = walk(value, [*path, i])
                if found is not None:
                    return found
        return None

    return walk(doc, [])
