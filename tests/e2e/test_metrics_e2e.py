"""Every service exposes the Prometheus families ops alert on."""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
import yaml

from support.kafka import eventually
from support.promql import exposed_names, metric_names
from support.scenario import create_program, partner_profile, registration

OBSERVABILITY = Path(__file__).resolve().parents[2] / "deploy" / "observability"

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


async def test_every_dashboard_and_alert_query_names_a_metric_the_services_serve(e2e_stack, token) -> None:
    """deploy/observability's PromQL against what the four processes serve after a registration and
    its reward (a real scrape each; a name nobody serves would be an empty panel or a silent alert)."""
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    admin = token("admin", sub="ops")
    partner = token("partner", sub="rep-metrics", partner_id="p-metrics")
    async with httpx.AsyncClient() as http:
        r = await http.put(
            f"{urls['dealreg']}/v1/partners/p-metrics", json=partner_profile("metricsvendor"), headers=admin
        )
        assert r.status_code in (200, 201), r.text
        await create_program(httpx.AsyncClient(base_url=urls["incentives"]), admin, vendor_id="metricsvendor")
        r = await http.post(
            f"{urls['dealreg']}/v1/deals", json=registration("Metrics Inc", vendor_id="metricsvendor"), headers=partner
        )
        assert r.status_code == 201, r.text

        async def rewarded() -> bool:
            r = await http.get(f"{urls['incentives']}/v1/reps/rep-metrics/earnings", headers=partner)
            return r.status_code == 200 and r.json()["net"] != "0.00"

        await eventually(rewarded, timeout=30)

        async def scraped() -> set[str] | None:
            served: set[str] = set()
            for url in urls.values():
                served |= exposed_names((await http.get(f"{url}/metrics")).text)
            # consumer_lag is set every 2 s once a consumer has committed: wait for it.
            return served if "consumer_lag" in served and "reward_latency_seconds_count" in served else None

        served = await eventually(scraped, timeout=30)
        # The registration's latency sample links to its trace (OpenMetrics, as Prometheus asks).
        om = await http.get(
            f"{urls['dealreg']}/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
    assert any(
        'route="/v1/deals"' in line and '# {trace_id="' in line
        for line in om.text.splitlines()
        if line.startswith("http_request_duration_seconds_bucket")
    )

    queried: dict[str, set[str]] = {}
    spec = yaml.safe_load((OBSERVABILITY / "prometheusrule.yaml").read_text())["spec"]
    for rule in (r for g in spec["groups"] for r in g["rules"]):
        queried[f"alert {rule['alert']}"] = metric_names(rule["expr"])
    dashboard = json.loads((OBSERVABILITY / "grafana" / "partner-platform.json").read_text())
    for panel in dashboard["panels"]:
        for target in panel.get("targets", []):
            queried.setdefault(f"panel {panel['title']}", set()).update(metric_names(target["expr"]))
    for variable in dashboard["templating"]["list"]:
        if variable["type"] == "query":
            queried[f"variable {variable['name']}"] = set(re.findall(r"label_values\((\w+)", variable["definition"]))
    unserved = {where: names - served for where, names in queried.items() if names - served}
    assert not unserved, f"queries name metrics no service serves: {unserved}"
    assert all(queried.values())
