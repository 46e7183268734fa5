"""Latency histograms carry the trace id of an observation as an exemplar, served in the OpenMetrics
format a Prometheus with exemplar storage asks for; the classic text format stays as it was."""

from __future__ import annotations

import re

import httpx
import pytest
from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from events.metrics import traceparent_exemplar
from servicekit.http_metrics import HttpMetricsMiddleware, metrics_router

OPENMETRICS = "application/openmetrics-text; version=1.0.0; charset=utf-8"
ROUTE = "/v1/exemplar-probe"


async def test_a_request_latency_links_to_its_trace_in_openmetrics_only() -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI()

    @app.get(ROUTE)
    async def probe() -> dict[str, bool]:
        return {"ok": True}

    app.include_router(metrics_router)
    app.add_middleware(HttpMetricsMiddleware)
    FastAPIInstrumentor.instrument_app(app, tracer_provider=provider, excluded_urls="metrics")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        assert (await client.get(ROUTE)).status_code == 200
        (server_span,) = [s for s in exporter.get_finished_spans() if s.kind.name == "SERVER"]
        trace_id = format(server_span.context.trace_id, "032x")

        om = await client.get("/metrics", headers={"Accept": OPENMETRICS})
        assert om.headers["content-type"].startswith("application/openmetrics-text")
        buckets = [line for line in om.text.splitlines() if f'route="{ROUTE}"' in line and "_bucket{" in line]
        exemplars = {m.group(1) for line in buckets if (m := re.search(r'# \{trace_id="([0-9a-f]{32})"\}', line))}
        assert exemplars == {trace_id}

        classic = await client.get("/metrics")
        assert classic.headers["content-type"].startswith("text/plain")
        assert f'route="{ROUTE}"' in classic.text and "trace_id" not in classic.text


@pytest.mark.parametrize(
    ("traceparent", "expected"),
    [
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", {"trace_id": "0af7651916cd43dd8448eb211c80319c"}),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00", None),  # not sampled: no trace to link to
        ("garbage", None),
        ("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-zz", None),
        (None, None),
    ],
)
def test_a_saved_traceparent_gives_the_exemplar_of_its_trace(traceparent: str | None, expected: object) -> None:
    assert traceparent_exemplar(traceparent) == expected
