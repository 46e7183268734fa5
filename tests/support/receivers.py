"""Real HTTP receivers the services send to during tests: an OTLP trace collector and a
webhook endpoint. Both run on 127.0.0.1 in a thread of the test process."""

from __future__ import annotations

import http.server
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


@dataclass(frozen=True)
class ReceivedSpan:
    service: str
    name: str
    trace_id: str
    span_id: str
    parent_span_id: str
    kind: int
    attributes: dict[str, Any]


def _value(v: Any) -> Any:
    kind = v.WhichOneof("value")
    return getattr(v, kind) if kind else None


@dataclass
class _Receiver:
    """An HTTP server on 127.0.0.1 in a daemon thread; every POST goes to `_answer`, which
    returns the status to send (with an empty body)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    server: http.server.ThreadingHTTPServer | None = None
    content_type: ClassVar[str | None] = None

    @property
    def _base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        raise NotImplementedError

    def start(self) -> Self:
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                status = receiver._answer(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self.send_response(status)
                if receiver.content_type is not None:
                    self.send_header("content-type", receiver.content_type)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()


@dataclass
class OtlpReceiver(_Receiver):
    """Accepts OTLP/HTTP protobuf trace exports at POST /v1/traces and keeps the spans."""

    spans: list[ReceivedSpan] = field(default_factory=list)
    content_type: ClassVar[str | None] = "application/x-protobuf"

    @property
    def endpoint(self) -> str:
        return self._base_url

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        if path == "/v1/traces":
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            self._add(request)
        return 200

    def _add(self, request: ExportTraceServiceRequest) -> None:
        received = []
        for rs in request.resource_spans:
            resource = {a.key: _value(a.value) for a in rs.resource.attributes}
            for ss in rs.scope_spans:
                for s in ss.spans:
                    received.append(
                        ReceivedSpan(
                            service=str(resource.get("service.name", "")),
                            name=s.name,
                            trace_id=s.trace_id.hex(),
                            span_id=s.span_id.hex(),
                            parent_span_id=s.parent_span_id.hex(),
                            kind=s.kind,
                            attributes={a.key: _value(a.value) for a in s.attributes},
                        )
                    )
        with self.lock:
            self.spans.extend(received)

    def trace(self, trace_id: str) -> list[ReceivedSpan]:
        with self.lock:
            return [s for s in self.spans if s.trace_id == trace_id]


@dataclass
class WebhookReceiver(_Receiver):
    """A webhook endpoint: records every request (headers and body); answers with a scripted status."""

    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)  # answered in order; then 204

    @property
    def url(self) -> str:
        return f"{self._base_url}/hook"

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append((headers, body))
            return self.statuses.pop(0) if self.statuses else 204

    def received(self) -> list[tuple[dict[str, str], bytes]]:
        with self.lock:
            return list(self.requests)
