"""deploy/observability: the alert rules pass promtool and fire when they should, every row of
README's alert table has its alert, the PodMonitor scrapes the pods the overlays deploy, and the
dashboard is well formed. That their queries name metrics the services really serve is checked
against live scrapes in tests/e2e/test_metrics_e2e.py."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_manifests import K8S, K8S_VERSIONS, ROOT, build, of_kind

from support.promql import metric_names

OBSERVABILITY = ROOT / "deploy" / "observability"
DASHBOARD = OBSERVABILITY / "grafana" / "partner-platform.json"


def rules() -> list[dict[str, Any]]:
    spec = yaml.safe_load((OBSERVABILITY / "prometheusrule.yaml").read_text())["spec"]
    return [rule for group in spec["groups"] for rule in group["rules"]]


@pytest.fixture(scope="module")
def promtool() -> str:
    # Installs Debian's prometheus when promtool is missing; fails (never skips) if it cannot.
    out = subprocess.run(["bash", str(ROOT / "infra" / "promtool.sh")], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def test_the_rules_pass_promtool_check(promtool: str, tmp_path: Path) -> None:
    spec = yaml.safe_load((OBSERVABILITY / "prometheusrule.yaml").read_text())["spec"]
    path = tmp_path / "rules.yaml"
    path.write_text(yaml.safe_dump(spec))
    out = subprocess.run([promtool, "check", "rules", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"SUCCESS: {len(rules())} rules found" in out.stdout


NS = 'namespace="pp"'
# Per alert: series that should fire it, series that should not, when to look, the labels it carries.
SCENARIOS: dict[str, dict[str, Any]] = {
    "KafkaUnavailable": {
        "bad": {f'kafka_available{{{NS}, pod="dealreg-1"}}': "1 0 0 0 0 0"},
        "good": {f'kafka_available{{{NS}, pod="dealreg-1"}}': "1 0 1 1 1 1"},
        "at": "5m",
        "labels": {"namespace": "pp", "pod": "dealreg-1", "severity": "warning"},
    },
    "DatabaseUnavailable": {
        "bad": {f'database_available{{{NS}, pod="pipeline-1"}}': "1 0 0 0 0 0"},
        "good": {f'database_available{{{NS}, pod="pipeline-1"}}': "1 1 1 1 1 1"},
        "at": "5m",
        "labels": {"namespace": "pp", "pod": "pipeline-1", "severity": "critical"},
    },
    "OutboxEventsNotPublished": {
        "bad": {f'outbox_oldest_unsent_age_seconds{{{NS}, pod="dealreg-1"}}': "0+60x20"},
        # A burst that drains: old for a moment, never growing for long.
        "good": {f'outbox_oldest_unsent_age_seconds{{{NS}, pod="dealreg-1"}}': "0 90 0 0 0 0 0 0 0 0 0 0 0 0 0 0"},
        "at": "15m",
        "labels": {"namespace": "pp", "pod": "dealreg-1", "severity": "warning"},
    },
    "ConsumerLagRising": {
        "bad": {f'consumer_lag{{{NS}, consumer="incentives", topic="deals.v1", partition="0"}}': "0+50x30"},
        "good": {f'consumer_lag{{{NS}, consumer="incentives", topic="deals.v1", partition="0"}}': "500+0x30"},
        "at": "25m",
        "labels": {"namespace": "pp", "consumer": "incentives", "topic": "deals.v1", "severity": "warning"},
    },
    "EventsDeadLettered": {
        "bad": {f'events_dead_lettered_total{{{NS}, consumer="pipeline", type="deal-approved"}}': "0 0 1 1 1"},
        "good": {f'events_dead_lettered_total{{{NS}, consumer="pipeline", type="deal-approved"}}': "0 0 0 0 0"},
        "at": "4m",
        "labels": {"namespace": "pp", "consumer": "pipeline", "type": "deal-approved", "severity": "warning"},
    },
    "HttpServerErrors": {
        "bad": {
            f'http_requests_total{{{NS}, route="/v1/deals", status="500"}}': "0+10x20",
            f'http_requests_total{{{NS}, route="/v1/deals", status="201"}}': "0+100x20",
        },
        "good": {
            f'http_requests_total{{{NS}, route="/v1/deals", status="422"}}': "0+10x20",
            f'http_requests_total{{{NS}, route="/v1/deals", status="201"}}': "0+100x20",
        },
        "at": "15m",
        "labels": {"namespace": "pp", "route": "/v1/deals", "severity": "warning"},
    },
}


def test_every_alert_fires_on_its_condition_and_not_on_health(promtool: str, tmp_path: Path) -> None:
    assert set(SCENARIOS) == {r["alert"] for r in rules()}, "a scenario per alert"
    spec = yaml.safe_load((OBSERVABILITY / "prometheusrule.yaml").read_text())["spec"]
    for group in spec["groups"]:
        for rule in group["rules"]:
            rule.pop("annotations")  # promtool compares annotations too; `check rules` covers their templates
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(spec))
    tests = []
    for alert, case in SCENARIOS.items():
        for series, expected in ((case["bad"], [{"exp_labels": case["labels"]}]), (case["good"], [])):
            tests.append(
                {
                    "interval": "1m",
                    "input_series": [{"series": s, "values": v} for s, v in series.items()],
                    "alert_rule_test": [{"eval_time": case["at"], "alertname": alert, "exp_alerts": expected}],
                }
            )
    (tmp_path / "tests.yaml").write_text(
        yaml.safe_dump({"rule_files": ["rules.yaml"], "evaluation_interval": "1m", "tests": tests})
    )
    out = subprocess.run([promtool, "test", "rules", "tests.yaml"], cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_every_row_of_the_readme_alert_table_has_its_alert() -> None:
    readme = (ROOT / "README.md").read_text()
    table = readme.split("**Metrics worth an alert**", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    assert len(rows) >= 7
    by_name = {r["alert"]: r for r in rules()}
    for row in rows:
        metric_cell, alert_cell = row.split(" | ")[0], row.split(" | ")[1]
        if metric_cell.startswith("| log "):
            assert "log pipeline" in alert_cell  # no metric to alert on: said in the table
            continue
        (alert,) = re.findall(r"`(\w+)`", alert_cell)
        metric = re.findall(r"`([a-z_]+)", metric_cell)[0]
        assert alert in by_name, f"README names {alert}, the rules do not have it"
        assert metric in metric_names(by_name[alert]["expr"]), f"{alert} does not read {metric}"
    for rule in rules():
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert {"summary", "description", "runbook"} <= rule["annotations"].keys()


def test_the_podmonitor_scrapes_every_service_pod_of_each_overlay(kustomize: str) -> None:
    manifests = build(kustomize, OBSERVABILITY)
    assert {m["kind"] for m in manifests} == {"PodMonitor", "PrometheusRule", "ConfigMap"}
    for m in manifests:
        assert m["metadata"]["namespace"] == "partner-platform"
    (monitor,) = of_kind(manifests, "PodMonitor")
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    selector = monitor["spec"]["selector"]["matchLabels"]
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    assert endpoint["path"] == "/metrics"
    for overlay in ("dev", "prod"):
        deployments = of_kind(build(kustomize, K8S / "overlays" / overlay), "Deployment")
        assert len(deployments) == 4
        for deployment in deployments:
            template = deployment["spec"]["template"]
            assert selector.items() <= template["metadata"]["labels"].items(), deployment["metadata"]["name"]
            ports = {p["name"] for c in template["spec"]["containers"] for p in c.get("ports", [])}
            assert endpoint["port"] in ports


def test_the_rule_resource_and_the_dashboard_configmap_are_well_formed(kustomize: str) -> None:
    manifests = build(kustomize, OBSERVABILITY)
    (rule,) = of_kind(manifests, "PrometheusRule")
    assert rule["apiVersion"] == "monitoring.coreos.com/v1" and rule["spec"]["groups"]
    (config,) = of_kind(manifests, "ConfigMap")
    assert config["metadata"]["labels"]["grafana_dashboard"] == "1"
    assert json.loads(config["data"]["partner-platform.json"]) == json.loads(DASHBOARD.read_text())
    kubernetes_validate.validate(config, K8S_VERSIONS[-1], strict=True)


def dashboard_panels() -> list[dict[str, Any]]:
    return [p for p in json.loads(DASHBOARD.read_text())["panels"] if p["type"] != "row"]


def test_the_dashboard_is_well_formed_and_covers_what_ops_watch() -> None:
    dashboard = json.loads(DASHBOARD.read_text())
    assert dashboard["uid"] and dashboard["schemaVersion"] >= 36
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert {"datasource", "namespace", "service"} <= variables
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids))
    for panel in dashboard_panels():
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24 and grid["h"] > 0, panel["title"]
        assert panel["datasource"]["uid"] == "${datasource}"
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert metric_names(target["expr"]), f"{panel['title']}: no metric in {target['expr']}"
            assert 'namespace="$namespace"' in target["expr"]
    titles = " / ".join(p["title"].lower() for p in dashboard_panels())
    for topic in ("request rate", "errors", "latency per route", "outbox", "consumer lag", "dead-letter"):
        assert topic in titles
    for topic in ("webhook outcomes", "reward latency"):
        assert topic in titles


def test_the_promql_scanner_finds_metric_names_only() -> None:
    expr = 'histogram_quantile(0.95, sum by (le, route) (rate(x_bucket{a="b", c=~"5.."}[5m]))) > 1e3 and on(pod) y == 0'
    assert metric_names(expr) == {"x_bucket", "y"}
