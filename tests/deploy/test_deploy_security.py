"""What the cluster exposes and trusts: only /v1, the producers' public event schemas and the
dashboard through the Ingress, proxies
trusted for X-Forwarded-For, production mode, and the webhook-secret keys from a Secret."""

from __future__ import annotations

import ipaddress

from deploy_manifests import Manifest, configmap, named, of_kind

Overlay = tuple[str, list[Manifest]]

INTERNAL_ONLY = ["/metrics", "/docs", "/redoc", "/openapi.json", "/readyz", "/healthz", "/"]


def _routed_paths(manifests: list[Manifest]) -> dict[str, set[str]]:
    routed: dict[str, set[str]] = {}
    for rule in named(manifests, "Ingress", "partner-platform")["spec"]["rules"]:
        for path in rule["http"]["paths"]:
            assert path["pathType"] in ("Prefix", "Exact")
            routed.setdefault(path["backend"]["service"]["name"], set()).add(path["path"])
    return routed


def _reachable(prefixes: set[str], path: str) -> bool:
    """Does an nginx Prefix rule route this request path (whole path segments)?"""
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def test_the_ingress_routes_only_the_api_the_event_schemas_and_the_dashboard(overlay: Overlay) -> None:
    _, manifests = overlay
    routed = _routed_paths(manifests)
    assert routed == {
        "dealreg": {"/v1", "/schemas"},
        "incentives": {"/v1", "/schemas"},
        "pipeline": {"/v1", "/schemas", "/dashboard"},
        "notifications": {"/v1"},
    }
    for service, prefixes in routed.items():
        assert _reachable(prefixes, "/v1/deals"), service
        # Each event's dataschema names its producer's public schema URL.
        assert _reachable(prefixes, "/schemas/events/deal-registered.json") == (service != "notifications")
        for path in INTERNAL_ONLY:
            assert not _reachable(prefixes, path), f"{service}{path} is public"


def test_services_run_in_production_mode_and_trust_only_cluster_proxies(overlay: Overlay) -> None:
    _, manifests = overlay
    data = configmap(manifests, "platform-config")["data"]
    assert data["ENVIRONMENT"] == "production"
    trusted = [ipaddress.ip_network(n.strip()) for n in data["FORWARDED_ALLOW_IPS"].split(",")]
    assert trusted and all(n.is_private for n in trusted), "only in-cluster proxies may set X-Forwarded-For"
    assert "*" not in data["FORWARDED_ALLOW_IPS"]


def test_notifications_reads_its_webhook_secret_keys_from_a_secret(overlay: Overlay) -> None:
    _, manifests = overlay
    for workload in of_kind(manifests, "Deployment") + of_kind(manifests, "Job"):
        if not workload["metadata"]["name"].startswith("notifications"):
            continue
        env = {e["name"]: e for e in workload["spec"]["template"]["spec"]["containers"][0].get("env", [])}
        ref = env["WEBHOOK_SECRET_KEYS"]["valueFrom"]["secretKeyRef"]
        assert ref == {"name": "notifications-webhook-keys", "key": "WEBHOOK_SECRET_KEYS"}


def test_each_producer_publishes_its_event_schemas_under_its_own_host(overlay: Overlay) -> None:
    _, manifests = overlay
    hosts = {
        rule["http"]["paths"][0]["backend"]["service"]["name"]: rule["host"]
        for rule in named(manifests, "Ingress", "partner-platform")["spec"]["rules"]
    }
    for service in ("dealreg", "incentives", "pipeline"):
        assert configmap(manifests, f"{service}-config")["data"]["PUBLIC_BASE_URL"] == f"https://{hosts[service]}"
