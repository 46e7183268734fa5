"""A subscription's secret never rests in clear, not even in an idempotency replay.

Creating a subscription and rotating its secret answer with the new secret, and the
Idempotency-Key machinery keeps those answers for 24 h to replay them. So the routes put
the secret in their body encrypted (``seal_for_response``), which is what gets stored,
and this middleware, outside the idempotency layer, decrypts it on the way to the client,
for a first answer and a replay alike. It is added outermost (create_service_app's
``configure``), so nothing between the route and it ever holds the secret in clear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("notifications.sealed_responses")

_PATHS = re.compile(r"^/v1/subscriptions(/[^/]+/rotate-secret)?/?$")


class ResponseBox(Protocol):
    """The webhook secrets' box (adapters.secret_box.SecretBox)."""

    def seal(self, plain: str) -> str: ...

    def reveal(self, sealed: str) -> str: ...


def seal_for_response(box: ResponseBox, secret: str) -> str:
    return box.seal(secret)


def _unsealed(body: bytes, box: ResponseBox, unreadable: type[Exception]) -> bytes | None:
    try:
        doc = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("secret"), str):
        return None
    try:
        doc["secret"] = box.reveal(doc["secret"])
    except unreadable:
        # Never guess: the client gets the ciphertext (useless, harmless) and the operator a log line.
        log.error("a response's webhook secret could not be decrypted")
        return None
    return orjson.dumps(doc)


class UnsealSecretMiddleware:
    """``box`` gives the process's box at each response; ``unreadable`` is what its reveal raises for
    a ciphertext no key opens."""

    def __init__(self, app: ASGIApp, box: Callable[[], ResponseBox], unreadable: type[Exception]) -> None:
        self.app = app
        self._box = box
        self._unreadable = unreadable

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or not _PATHS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            assert start is not None
            body = b"".join(chunks)
            if start["status"] in (200, 201):
                body = _unsealed(body, self._box(), self._unreadable) or body
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, capture)
