"""Request metrics are labelled by route template, never by raw path."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from servicekit.http_metrics import HttpMetricsMiddleware, metrics_router
from servicekit.problems import install_problem_handlers


def build_app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.include_router(metrics_router)

    @app.get("/libs-metrics-test/{thing_id}")
    async def get_thing(thing_id: str) -> dict[str, str]:
        return {"id": thing_id}

    app.add_middleware(HttpMetricsMiddleware)
    return app


def count(method: str, route: str, status: str) -> float:
    value = REGISTRY.get_sample_value("http_requests_total", {"method": method, "route": route, "status": status})
    return value or 0.0


def latency_count(method: str, route: str) -> float:
    value = REGISTRY.get_sample_value("http_request_duration_seconds_count", {"method": method, "route": route})
    return value or 0.0


def test_requests_are_counted_per_route_template() -> None:
    template = "/libs-metrics-test/{thing_id}"
    before, latency_before = count("GET", template, "200"), latency_count("GET", template)
    with TestClient(build_app()) as client:
        for thing in ("a", "b", "c"):
            assert client.get(f"/libs-metrics-test/{thing}").status_code == 200
    assert count("GET", template, "200") == before + 3
    assert latency_count("GET", template) == latency_before + 3
    assert (
        REGISTRY.get_sample_value(
            "http_requests_total", {"method": "GET", "route": "/libs-metrics-test/a", "status": "200"}
        )
        is None
    )


def test_unmatched_paths_share_one_label() -> None:
    before = count("GET", "unmatched", "404")
    with TestClient(build_app()) as client:
        assert client.get("/libs-metrics-test-nowhere/1").status_code == 404
        assert client.get("/libs-metrics-test-nowhere/2").status_code == 404
    assert count("GET", "unmatched", "404") == before + 2


def test_metrics_endpoint_exposes_prometheus_text() -> None:
    with TestClient(build_app()) as client:
        client.get("/libs-metrics-test/x")
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert 'http_requests_total{method="GET",route="/libs-metrics-test/{thing_id}",status="200"}' in response.text
