"""The Kubernetes manifests, as each overlay renders them: strictly valid, and holding
what a reviewer checks before they reach a cluster."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_manifests import (
    CONSUMERS,
    K8S,
    K8S_VERSIONS,
    ROOT,
    SERVICES,
    Manifest,
    configmap,
    named,
    of_kind,
)

Overlay = tuple[str, list[Manifest]]


def containers(pod_spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [*pod_spec.get("initContainers", []), *pod_spec["containers"]]


def workloads(manifests: list[Manifest]) -> list[Manifest]:
    return of_kind(manifests, "Deployment") + of_kind(manifests, "Job")


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_rendered_manifest_validates_strictly(overlay: Overlay, version: str) -> None:
    _, manifests = overlay
    failures = []
    for manifest in manifests:
        try:
            kubernetes_validate.validate(manifest, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            path = ".".join(str(p) for p in exc.path)
            failures.append(f"{manifest['kind']}/{manifest['metadata']['name']}: {path}: {exc.message}")
    assert failures == []


def test_strict_validation_rejects_an_unknown_field(overlay: Overlay) -> None:
    # Guards the test above: a misspelt field must fail, not pass silently.
    _, manifests = overlay
    deployment = yaml.safe_load(yaml.safe_dump(of_kind(manifests, "Deployment")[0]))
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def test_each_service_has_its_objects(overlay: Overlay) -> None:
    _, manifests = overlay
    for service in SERVICES:
        for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceAccount"):
            named(manifests, kind, service)
        named(manifests, "Job", f"{service}-migrate")
        named(manifests, "NetworkPolicy", f"{service}-ingress")
        configmap(manifests, f"{service}-config")
    named(manifests, "Job", "kafka-topics")


def test_deployments_probe_readyz_and_healthz_on_the_service_port(overlay: Overlay) -> None:
    _, manifests = overlay
    for service, port in SERVICES.items():
        container = named(manifests, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        assert container["ports"] == [{"name": "http", "containerPort": port, "protocol": "TCP"}]
        assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
        assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
        assert container["command"] == ["python", "-m", service, "serve"]


def test_every_pod_is_non_root_read_only_and_unprivileged(overlay: Overlay) -> None:
    _, manifests = overlay
    for workload in workloads(manifests):
        pod = workload["spec"]["template"]["spec"]
        name = workload["metadata"]["name"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        assert pod["securityContext"]["runAsUser"] > 0, name
        assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}, name
        assert pod["automountServiceAccountToken"] is False, name
        for container in containers(pod):
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, name
            assert security["allowPrivilegeEscalation"] is False, name
            assert security["capabilities"] == {"drop": ["ALL"]}, name
            assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"], name
        tmp = next(v for v in pod["volumes"] if v["name"] == "tmp")
        assert "emptyDir" in tmp, name


def test_every_container_has_requests_and_a_memory_limit(overlay: Overlay) -> None:
    _, manifests = overlay
    for workload in workloads(manifests):
        for container in containers(workload["spec"]["template"]["spec"]):
            resources = container["resources"]
            assert {"cpu", "memory"} <= resources["requests"].keys(), workload["metadata"]["name"]
            assert "memory" in resources["limits"], workload["metadata"]["name"]


def test_images_are_pinned_and_shared_by_a_service_and_its_migration(overlay: Overlay) -> None:
    _, manifests = overlay
    for workload in workloads(manifests):
        for container in containers(workload["spec"]["template"]["spec"]):
            image = container["image"]
            assert re.search(r"(:[\w.-]+|@sha256:[0-9a-f]{64})$", image), f"{image} has no tag"
            assert not image.endswith(":latest"), image
    for service in SERVICES:
        deployment = named(manifests, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        job = named(manifests, "Job", f"{service}-migrate")["spec"]["template"]["spec"]["containers"][0]
        assert job["image"] == deployment["image"]
        assert job["command"] == ["python", "-m", service, "migrate"]


def test_pods_spread_over_zones_and_nodes(overlay: Overlay) -> None:
    _, manifests = overlay
    for service in SERVICES:
        deployment = named(manifests, "Deployment", service)
        constraints = deployment["spec"]["template"]["spec"]["topologySpreadConstraints"]
        assert {c["topologyKey"] for c in constraints} == {"topology.kubernetes.io/zone", "kubernetes.io/hostname"}
        for constraint in constraints:
            assert constraint["labelSelector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_every_deployment_has_an_hpa_and_a_pdb_on_its_pods(overlay: Overlay) -> None:
    _, manifests = overlay
    for deployment in of_kind(manifests, "Deployment"):
        name = deployment["metadata"]["name"]
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert "replicas" not in deployment["spec"], f"{name}: the HPA owns the replica count"
        hpas = [h for h in of_kind(manifests, "HorizontalPodAutoscaler") if h["spec"]["scaleTargetRef"]["name"] == name]
        assert len(hpas) == 1, name
        assert hpas[0]["apiVersion"] == "autoscaling/v2"
        assert hpas[0]["spec"]["scaleTargetRef"]["kind"] == "Deployment"
        pdbs = [
            p for p in of_kind(manifests, "PodDisruptionBudget") if p["spec"]["selector"]["matchLabels"] == selector
        ]
        assert len(pdbs) == 1, name
        assert named(manifests, "Service", name)["spec"]["selector"] == selector


def test_consumers_scale_no_further_than_the_partition_count(overlay: Overlay) -> None:
    _, manifests = overlay
    for service in CONSUMERS:
        hpa = named(manifests, "HorizontalPodAutoscaler", service)["spec"]
        assert hpa["minReplicas"] <= hpa["maxReplicas"] <= 6


def test_prod_runs_at_least_three_replicas_per_service(kustomize: str) -> None:
    from deploy_manifests import build

    manifests = build(kustomize, K8S / "overlays" / "prod")
    assert {h["spec"]["minReplicas"] for h in of_kind(manifests, "HorizontalPodAutoscaler")} == {3}


def test_secrets_are_referenced_never_rendered(overlay: Overlay) -> None:
    _, manifests = overlay
    assert of_kind(manifests, "Secret") == []
    for workload in workloads(manifests):
        for container in containers(workload["spec"]["template"]["spec"]):
            env = {e["name"]: e for e in container.get("env", [])}
            for secret_name in ("AUTH_SECRET", "DATABASE_PASSWORD"):
                if secret_name in env:
                    assert "secretKeyRef" in env[secret_name]["valueFrom"], secret_name
                    assert "value" not in env[secret_name]


def test_no_secret_with_data_anywhere_in_the_repository() -> None:
    paths = [*(ROOT / "deploy").rglob("*.yaml"), *(ROOT / "deploy").rglob("*.yml"), ROOT / "docker-compose.yml"]
    offenders = []
    for path in paths:
        for doc in yaml.safe_load_all(path.read_text()):
            if isinstance(doc, dict) and doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData")):
                offenders.append(str(path))
            if isinstance(doc, dict) and doc.get("kind") == "Kustomization" and doc.get("secretGenerator"):
                offenders.append(f"{path}: secretGenerator")
    assert offenders == []


def test_services_get_every_setting_they_read(overlay: Overlay) -> None:
    _, manifests = overlay
    platform = configmap(manifests, "platform-config")["data"]
    for key in ("KAFKA_BOOTSTRAP_SERVERS", "OTEL_EXPORTER_OTLP_ENDPOINT", "LOG_LEVEL", "DATABASE_HOST"):
        assert platform[key], key
    assert platform["HOST"] == "0.0.0.0"
    assert platform["KAFKA_TOPIC_PREFIX"] == ""
    for service, port in SERVICES.items():
        own = configmap(manifests, f"{service}-config")["data"]
        assert own["PORT"] == str(port)
        assert own["OTEL_SERVICE_NAME"] == service
        assert own["DATABASE_NAME"] == service
        container = named(manifests, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        defined = {**platform, **own}
        env_names = []
        for entry in container["env"]:
            # $(VAR) expands only variables defined before it (envFrom counts as before).
            for ref in re.findall(r"\$\((\w+)\)", entry.get("value", "")):
                assert ref in defined or ref in env_names, f"{service}: {entry['name']} uses undefined {ref}"
            env_names.append(entry["name"])
        assert {"AUTH_SECRET", "DATABASE_URL"} <= set(env_names)
    assert configmap(manifests, "dealreg-config")["data"]["SCHEDULER_INTERVAL"] == "PT30S"
    assert configmap(manifests, "notifications-config")["data"]["WEBHOOK_ALLOW_PRIVATE"] == "0"
    origin = configmap(manifests, "incentives-config")["data"]["DASHBOARD_ORIGIN"]
    pipeline_host = next(
        r["host"]
        for r in named(manifests, "Ingress", "partner-platform")["spec"]["rules"]
        if r["http"]["paths"][0]["backend"]["service"]["name"] == "pipeline"
    )
    assert origin == f"https://{pipeline_host}", "incentives must allow the pipeline dashboard's origin"


def test_the_overlay_sets_every_address_left_open_in_the_base(overlay: Overlay) -> None:
    name, manifests = overlay
    rendered = yaml.safe_dump_all(manifests)
    assert ".invalid" not in rendered, name
    assert "set-in-overlay" not in rendered, name


def test_the_ingress_routes_one_host_to_each_service(overlay: Overlay) -> None:
    _, manifests = overlay
    rules = named(manifests, "Ingress", "partner-platform")["spec"]["rules"]
    routed = {r["http"]["paths"][0]["backend"]["service"]["name"]: r["host"] for r in rules}
    assert set(routed) == set(SERVICES)
    assert len(set(routed.values())) == len(SERVICES)


# --- NetworkPolicies -------------------------------------------------------------------


def selects(policy: Manifest, labels: dict[str, str]) -> bool:
    wanted = policy["spec"]["podSelector"].get("matchLabels", {})
    return all(labels.get(k) == v for k, v in wanted.items())


def egress_ports(manifests: list[Manifest], labels: dict[str, str]) -> set[int]:
    ports: set[int] = set()
    for policy in of_kind(manifests, "NetworkPolicy"):
        if selects(policy, labels) and "Egress" in policy["spec"]["policyTypes"]:
            for rule in policy["spec"].get("egress", []):
                ports |= {p["port"] for p in rule.get("ports", [])}
    return ports


def test_everything_is_denied_unless_allowed(overlay: Overlay) -> None:
    _, manifests = overlay
    deny = named(manifests, "NetworkPolicy", "default-deny-all")["spec"]
    assert deny["podSelector"] == {}
    assert sorted(deny["policyTypes"]) == ["Egress", "Ingress"]
    assert "ingress" not in deny
    assert "egress" not in deny


def test_each_service_is_reachable_on_its_own_port_only(overlay: Overlay) -> None:
    _, manifests = overlay
    for service, port in SERVICES.items():
        labels = named(manifests, "Deployment", service)["spec"]["template"]["metadata"]["labels"]
        ingress = [
            p
            for p in of_kind(manifests, "NetworkPolicy")
            if selects(p, labels) and "Ingress" in p["spec"]["policyTypes"]
        ]
        ports = {port_["port"] for p in ingress for rule in p["spec"].get("ingress", []) for port_ in rule["ports"]}
        assert ports == {port}, service


def test_each_workload_may_reach_only_what_it_needs(overlay: Overlay) -> None:
    _, manifests = overlay
    # Kafka's port is the overlay's listener: 9092 plain in dev, 9093 SASL_SSL under Strimzi.
    bootstrap = configmap(manifests, "platform-config")["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    dns, postgres, kafka, otlp, web = {53}, {5432}, {int(bootstrap.rsplit(":", 1)[1])}, {4317, 4318}, {443, 80}
    for service in SERVICES:
        labels = named(manifests, "Deployment", service)["spec"]["template"]["metadata"]["labels"]
        expected = dns | postgres | kafka | otlp | (web if service == "notifications" else set())
        assert egress_ports(manifests, labels) == expected, service
        job_labels = named(manifests, "Job", f"{service}-migrate")["spec"]["template"]["metadata"]["labels"]
        assert egress_ports(manifests, job_labels) == dns | postgres, f"{service}-migrate"
    topics_labels = named(manifests, "Job", "kafka-topics")["spec"]["template"]["metadata"]["labels"]
    assert egress_ports(manifests, topics_labels) == dns | kafka


def test_webhook_egress_excludes_private_and_metadata_addresses(overlay: Overlay) -> None:
    _, manifests = overlay
    rule = named(manifests, "NetworkPolicy", "notifications-webhooks-egress")["spec"]["egress"][0]
    blocks = [peer["ipBlock"] for peer in rule["to"]]
    for address in ("10.1.2.3", "172.20.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "fd00::1"):
        ip = ipaddress.ip_address(address)
        allowing = [
            b
            for b in blocks
            if ip in ipaddress.ip_network(b["cidr"])
            and not any(ip in ipaddress.ip_network(e) for e in b.get("except", []))
        ]
        assert allowing == [], address
    public = ipaddress.ip_address("203.0.113.10")
    assert any(public in ipaddress.ip_network(b["cidr"]) for b in blocks)


def test_egress_to_dependencies_names_where_they_run(overlay: Overlay) -> None:
    _, manifests = overlay
    for name in ("allow-postgres-egress", "allow-kafka-egress", "allow-otlp-egress"):
        peers = named(manifests, "NetworkPolicy", name)["spec"]["egress"][0]["to"]
        assert peers, name
        for peer in peers:
            assert peer.get("namespaceSelector", {}).get("matchLabels") or peer.get("ipBlock"), name


# --- The migration and topic Jobs -----------------------------------------------------


def test_jobs_run_once_and_clean_up(overlay: Overlay) -> None:
    _, manifests = overlay
    for job in of_kind(manifests, "Job"):
        spec = job["spec"]
        assert spec["template"]["spec"]["restartPolicy"] == "Never"
        assert spec["backoffLimit"] >= 1
        assert spec["activeDeadlineSeconds"] > 0
        # Jobs are immutable: a finished one must go away before the next release applies it.
        assert spec["ttlSecondsAfterFinished"] > 0


def test_the_topic_job_runs_the_shared_script_with_the_overlays_replication(overlay: Overlay) -> None:
    name, manifests = overlay
    pod = named(manifests, "Job", "kafka-topics")["spec"]["template"]["spec"]
    script_map = next(v for v in pod["volumes"] if v["name"] == "script")["configMap"]["name"]
    script = next(m for m in of_kind(manifests, "ConfigMap") if m["metadata"]["name"] == script_map)
    assert script["data"]["create-topics.sh"] == (K8S / "base" / "kafka" / "create-topics.sh").read_text()
    assert pod["containers"][0]["command"] == ["/bin/sh", "/opt/platform/create-topics.sh"]
    platform = configmap(manifests, "platform-config")["data"]
    expected = {"dev": ("1", "1"), "prod": ("3", "2")}[name]
    assert (platform["TOPIC_REPLICATION_FACTOR"], platform["TOPIC_MIN_INSYNC_REPLICAS"]) == expected


def test_namespaces_enforce_the_restricted_pod_security_standard(overlay: Overlay) -> None:
    _, manifests = overlay
    namespaces = of_kind(manifests, "Namespace")
    assert len(namespaces) == 1
    assert namespaces[0]["metadata"]["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    namespaced = [m for m in manifests if m["kind"] != "Namespace"]
    assert {m["metadata"]["namespace"] for m in namespaced} == {namespaces[0]["metadata"]["name"]}


def test_a_release_can_run_the_jobs_before_the_deployments(overlay: Overlay) -> None:
    # deploy/README.md: `kubectl apply -l 'app.kubernetes.io/component!=server'` first.
    _, manifests = overlay
    first = [m for m in manifests if m["metadata"].get("labels", {}).get("app.kubernetes.io/component") != "server"]
    assert of_kind(first, "Deployment") == []
    assert len(of_kind(first, "Job")) == len(SERVICES) + 1
    assert {m["kind"] for m in first} >= {"Namespace", "ConfigMap", "ServiceAccount", "NetworkPolicy"}
