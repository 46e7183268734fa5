"""Prometheus: request rate and latency per route, and the /metrics endpoint."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from prometheus_client import REGISTRY, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events.metrics import trace_exemplar

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["method", "route", "status"])
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def observe(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, observe)
        finally:
            route = scope.get("route")
            # The route template ("/v1/deals/{deal_id}"), never the raw path: bounded label values.
            template = getattr(route, "path", None) or "unmatched"
            HTTP_REQUESTS.labels(scope["method"], template, str(status)).inc()
            # The request's server span is current here (OpenTelemetry's middleware wraps this one).
            HTTP_LATENCY.labels(scope["method"], template).observe(time.perf_counter() - started, trace_exemplar())


metrics_router = APIRouter()


@metrics_router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    # Prometheus asks for OpenMetrics when exemplar storage is on: only that format carries the
    # latency histograms' exemplars (trace ids). Anything else gets the classic text format.
    encode, media_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), media_type=media_type)
