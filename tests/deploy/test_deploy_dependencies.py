"""The production dependencies' resources (Strimzi Kafka, CloudNativePG PostgreSQL) hold
the platform's topics, roles and databases. Their custom resources have no schema in
kubernetes-validate; the plain Kubernetes objects among them are validated strictly."""

from __future__ import annotations

import kubernetes_validate
from deploy_manifests import K8S, K8S_VERSIONS, SERVICES, TOPICS, build, named, of_kind

from events.acls import PatternType, service_bindings
from events.topics import TopicNames


def test_strimzi_declares_the_platform_topics(kustomize: str) -> None:
    manifests = build(kustomize, K8S / "dependencies" / "strimzi")
    topics = {t["spec"]["topicName"]: t["spec"]["partitions"] for t in of_kind(manifests, "KafkaTopic")}
    assert topics == TOPICS
    kafka = of_kind(manifests, "Kafka")[0]
    for topic in of_kind(manifests, "KafkaTopic"):
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == kafka["metadata"]["name"]
        assert topic["spec"]["replicas"] == 3
    assert kafka["spec"]["kafka"]["config"]["auto.create.topics.enable"] is False
    pools = of_kind(manifests, "KafkaNodePool")
    assert sum(p["spec"]["replicas"] for p in pools) >= 3


def test_the_prod_overlay_points_at_strimzi_and_cloudnativepg(kustomize: str) -> None:
    strimzi = build(kustomize, K8S / "dependencies" / "strimzi")
    cnpg = build(kustomize, K8S / "dependencies" / "cloudnativepg")
    prod = build(kustomize, K8S / "overlays" / "prod")
    kafka = of_kind(strimzi, "Kafka")[0]["metadata"]
    cluster = of_kind(cnpg, "Cluster")[0]["metadata"]
    config = next(m for m in of_kind(prod, "ConfigMap") if m["metadata"]["name"].startswith("platform-config-"))
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"].startswith(
        f"{kafka['name']}-kafka-bootstrap.{kafka['namespace']}.svc"
    )
    assert config["data"]["DATABASE_HOST"].startswith(f"{cluster['name']}-rw.{cluster['namespace']}.svc")


def test_cloudnativepg_has_a_role_and_a_database_per_service(kustomize: str) -> None:
    manifests = build(kustomize, K8S / "dependencies" / "cloudnativepg")
    cluster = of_kind(manifests, "Cluster")[0]
    roles = {r["name"]: r["passwordSecret"]["name"] for r in cluster["spec"]["managed"]["roles"]}
    assert roles == {s: f"{s}-db-credentials" for s in SERVICES}
    databases = {d["spec"]["name"]: d["spec"]["owner"] for d in of_kind(manifests, "Database")}
    assert databases == {s: s for s in SERVICES}
    assert cluster["spec"]["instances"] >= 3


def test_plain_objects_of_the_dependencies_validate(kustomize: str) -> None:
    for name in ("strimzi", "cloudnativepg"):
        for manifest in of_kind(build(kustomize, K8S / "dependencies" / name), "Namespace"):
            kubernetes_validate.validate(manifest, K8S_VERSIONS[-1], strict=True)


def test_strimzi_authenticates_and_authorizes_every_client(kustomize: str) -> None:
    kafka = of_kind(build(kustomize, K8S / "dependencies" / "strimzi"), "Kafka")[0]["spec"]
    listeners = kafka["kafka"]["listeners"]
    assert listeners and all(listener["authentication"]["type"] == "scram-sha-512" for listener in listeners)
    assert all(listener["tls"] is True for listener in listeners), "no clear-text listener in production"
    assert kafka["kafka"]["authorization"]["type"] == "simple"
    assert kafka["entityOperator"]["userOperator"]["watchedNamespace"] == "partner-platform"


def test_each_services_kafka_user_has_the_acls_of_the_local_broker(kustomize: str) -> None:
    users = build(kustomize, K8S / "dependencies" / "strimzi-users")
    assert {u["metadata"]["namespace"] for u in users} == {"partner-platform"}
    granted = set()
    for user in users:
        assert user["metadata"]["labels"]["strimzi.io/cluster"] == "platform-kafka"
        assert user["spec"]["authentication"]["type"] == "scram-sha-512"
        if user["metadata"]["name"] == "kafka-topics":
            continue
        for acl in user["spec"]["authorization"]["acls"]:
            resource = acl["resource"]
            pattern = {"literal": PatternType.LITERAL, "prefix": PatternType.PREFIXED}[resource["patternType"]]
            for operation in acl["operations"]:
                if operation != "Describe":  # implied by Read and Write on the local broker
                    granted.add((user["metadata"]["name"], resource["type"], resource["name"], pattern, operation))
    expected = {
        (b.principal.removeprefix("User:"), b.resource_type.name.lower(), b.name, b.pattern, b.operation.name.title())
        for b in service_bindings(TopicNames(""))
    }
    assert granted == expected
    assert {u["metadata"]["name"] for u in users} == {*SERVICES, "kafka-topics"}


def test_prod_services_authenticate_to_kafka_as_their_own_user(kustomize: str) -> None:
    prod = build(kustomize, K8S / "overlays" / "prod")
    config = next(m for m in of_kind(prod, "ConfigMap") if m["metadata"]["name"].startswith("platform-config-"))
    assert config["data"]["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["data"]["KAFKA_BOOTSTRAP_SERVERS"].endswith(":9093")
    for service in SERVICES:
        container = named(prod, "Deployment", service)["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e for e in container["env"]}
        assert env["KAFKA_USERNAME"]["value"] == service
        assert env["KAFKA_PASSWORD"]["valueFrom"]["secretKeyRef"] == {"name": service, "key": "password"}
        mounts = {m["mountPath"] for m in container["volumeMounts"]}
        assert config["data"]["KAFKA_SSL_CAFILE"].rsplit("/", 1)[0] in mounts
