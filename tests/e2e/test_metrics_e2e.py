"""Every service exposes the Prometheus families ops alert on."""

from __future__ import annotations

import httpx
import pytest

COMMON = [
    "http_requests_total",
    "http_request_duration_seconds",
    "outbox_backlog",
    "outbox_oldest_unsent_age_seconds",
    "events_processed_total",
    "events_dead_lettered_total",
    "event_processing_seconds",
    "consumer_lag",
]


@pytest.mark.parametrize("service", ["dealreg", "incentives", "pipeline", "notifications"])
async def test_metrics_expose_the_families_ops_alert_on(e2e_stack, service) -> None:
    url = e2e_stack.services[service].url
    async with httpx.AsyncClient() as http:
        await http.get(f"{url}/healthz")
        r = await http.get(f"{url}/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    families = {line.split()[2] for line in r.text.splitlines() if line.startswith("# TYPE")}
    # prometheus_client names a counter's family without its _total suffix
    missing = [f for f in COMMON if f not in families and f.removesuffix("_total") not in families]
    assert not missing, f"{service} lacks {missing}"
