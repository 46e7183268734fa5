"""A real HTTP receiver on 127.0.0.1 for webhook tests, and deal events shaped like dealreg's."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from events.envelope import CloudEvent, new_event
from events.schemas import DealEventData


@dataclass(frozen=True)
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class Receiver:
    """Records every POST; answers each path from a script (the last reply repeats)."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._scripts: dict[str, list[Reply]] = {}
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                path = self.path
                with receiver._lock:
                    receiver.requests.append(
                        Received(path, {k.lower(): v for k, v in self.headers.items()}, body, time.monotonic())
                    )
                    script = receiver._scripts.get(path, [])
                    reply = script.pop(0) if len(script) > 1 else (script[0] if script else Reply())
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for k, v in reply.headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def script(self, path: str, *replies: Reply) -> None:
        with self._lock:
            self._scripts[path] = list(replies)

    def at(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def fresh_vendor(token: Any) -> tuple[str, dict[str, str]]:
    """A vendor id of the test's own, and a token's headers for it."""
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    return vendor, token("vendor", sub="u", vendor_id=vendor)


def vendor_token(token: Any, vendor_id: str) -> dict[str, str]:
    return token("vendor", sub=f"u-{vendor_id}", vendor_id=vendor_id)


async def subscribe(client: Any, headers: dict[str, str], url: str, types: list[str] | None = None) -> dict[str, Any]:
    """POST /v1/subscriptions (to deal-registered unless ``types`` says otherwise): the 201's body."""
    resp = await client.post(
        "/v1/subscriptions", json={"url": url, "event_types": types or ["deal-registered"]}, headers=headers
    )
    assert resp.status_code == 201, resp.text
    body: dict[str, Any] = resp.json()
    return body


async def serve_http(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, answer: Callable[[str, dict[str, str]], bytes]
) -> None:
    """An asyncio HTTP/1.1 connection kept alive: reads each request (head and body) and writes
    ``answer(target, headers)`` (header names lower-cased) until the client goes away."""
    try:
        while True:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            lines = head.split("\r\n")
            target = lines[0].split(" ")[1]
            pairs = (line.partition(":") for line in lines[1:] if line)
            fields = {k.strip().lower(): v.strip() for k, _, v in pairs}
            await reader.readexactly(int(fields.get("content-length", "0")))
            writer.write(answer(target, fields))
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def deal_event(vendor_id: str, partner_id: str, event_type: str = "deal-registered", **extra: Any) -> CloudEvent:
    """A deal event whose data has the shape of events.schemas.DealEventData."""
    deal_id = f"d-{uuid.uuid4().hex[:10]}"
    now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
    data: dict[str, Any] = {
        "id": deal_id,
        "vendor_id": vendor_id,
        "partner_id": partner_id,
        "rep": {"id": "rep-1", "email": "rep@example.com", "name": "Rep One"},
        "customer": {"name": "Acme", "domain": "acme.example", "country": "DE"},
        "products": [{"sku": "SKU-1", "quantity": 2, "unit_price": "500.00"}],
        "currency": "EUR",
        "amount": "1000.00",
        "margin_pct": "20",
        "margin_amount": "200.00",
        "status": "pending_approval",
        "stage": "registered",
        "conflict": False,
        "conflicting_deal_ids": ["d-other-partner"],
        "extensions_used": 0,
        "created_at": now,
        "updated_at": now,
        "version": 1,
        "partner": {"id": partner_id, "tier": 2, "territory": "EMEA", "region": "DACH", "channel_manager": "cm-1"},
        **extra,
    }
    DealEventData.model_validate(data)  # keep the fixture honest to the schema
    return new_event(event_type=event_type, service="dealreg", subject=deal_id, data=data)


TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
