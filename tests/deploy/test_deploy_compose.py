"""docker-compose.yml: valid against the Compose Specification's schema, and starting
the platform in the right order (no Docker engine needed to check either)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from deploy_manifests import ROOT, SERVICES

from servicekit.settings import DEV_AUTH_SECRET

SCHEMA = Path(__file__).with_name("schemas") / "compose_spec.json"
# Compose durations are Go durations: "10s", "1m30s", "500ms".
DURATION = re.compile(r"^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def validator() -> jsonschema.Draft201909Validator:
    checker = jsonschema.FormatChecker()
    checker.checks("duration")(lambda value: not isinstance(value, str) or bool(DURATION.match(value)))
    return jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()), format_checker=checker)


def test_compose_file_validates_against_the_compose_spec(compose: dict[str, Any]) -> None:
    errors = [f"{'.'.join(map(str, e.path))}: {e.message}" for e in validator().iter_errors(compose)]
    assert errors == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "dealreg", "restart_policy"), "always"),  # not a service key
        (("services", "dealreg", "healthcheck", "interval"), "ten seconds"),  # not a duration
        (("services", "dealreg", "depends_on", "dealreg-migrate", "condition"), "service_done"),
    ],
)
def test_the_schema_check_catches_mistakes(compose: dict[str, Any], path: tuple[str, ...], value: str) -> None:
    broken = json.loads(json.dumps(compose))
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert list(validator().iter_errors(broken)) != []


def test_the_platform_is_all_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"  # KRaft
    assert services["postgres"]["image"] == "postgres:16"
    assert services["otel-collector"]["image"].startswith("otel/opentelemetry-collector-contrib:")
    assert services["jaeger"]["image"].startswith("jaegertracing/")
    for service in SERVICES:
        assert service in services
        assert f"{service}-migrate" in services


def test_services_start_after_their_migrations_and_the_topics(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for service in SERVICES:
        depends = services[service]["depends_on"]
        assert depends[f"{service}-migrate"] == {"condition": "service_completed_successfully"}
        assert depends["kafka-topics"] == {"condition": "service_completed_successfully"}
    for service in SERVICES:
        assert services[f"{service}-migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["kafka-topics"]["depends_on"]["kafka"] == {"condition": "service_healthy"}


def test_one_shot_steps_run_once_and_the_rest_have_healthchecks(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for name in ["kafka-topics", *(f"{s}-migrate" for s in SERVICES)]:
        assert services[name]["restart"] == "no", name
    for service in SERVICES:
        assert services[f"{service}-migrate"]["healthcheck"] == {"disable": True}
    for name in ["kafka", "postgres", *SERVICES]:
        assert services[name]["healthcheck"]["test"], name
    for service in SERVICES:
        assert services[service]["healthcheck"]["test"] == ["CMD", "python", "/usr/local/bin/healthcheck.py", "/readyz"]


def test_each_service_and_its_migration_use_its_image_and_database(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for service, port in SERVICES.items():
        app, migrate = services[service], services[f"{service}-migrate"]
        assert app["image"] == migrate["image"]
        assert app["build"] == migrate["build"] == {"context": ".", "args": {"SERVICE": service, "PORT": str(port)}}
        assert migrate["command"] == ["python", "-m", service, "migrate"]
        for env in (app["environment"], migrate["environment"]):
            assert env["DATABASE_URL"].startswith("postgresql+asyncpg://")
            assert env["DATABASE_URL"].endswith(f"@postgres:5432/{service}")
        assert app["environment"]["PORT"] == port
        assert app["ports"] == [f"127.0.0.1:{port}:{port}"]


def test_services_get_the_local_stack_settings(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for service in SERVICES:
        env = services[service]["environment"]
        assert env["HOST"] == "0.0.0.0"
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["KAFKA_TOPIC_PREFIX"] == ""
        assert env["OTEL_SERVICE_NAME"] == service
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"
        # From the shell when set, else make run's development default, so dev tokens work.
        assert env["AUTH_SECRET"] == f"${{AUTH_SECRET:-{DEV_AUTH_SECRET}}}"
        # ...which the services accept only in development: compose's default, production when set so.
        assert env["ENVIRONMENT"] == "${ENVIRONMENT:-development}"
    assert services["notifications"]["environment"]["WEBHOOK_ALLOW_PRIVATE"] == "1"
    assert services["incentives"]["environment"]["DASHBOARD_ORIGIN"].endswith("http://localhost:8003}")


def test_every_published_port_is_bound_to_the_loopback_interface(compose: dict[str, Any]) -> None:
    published = {name: s["ports"] for name, s in compose["services"].items() if s.get("ports")}
    assert "kafka" in published
    for name, ports in published.items():
        for port in ports:
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} on every interface"


def test_kafka_authenticates_each_service_as_itself(compose: dict[str, Any]) -> None:
    services = compose["services"]
    kafka = services["kafka"]["environment"]
    protocols = dict(p.split(":") for p in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}, "no listener without authentication"
    assert kafka["KAFKA_AUTHORIZER_CLASS_NAME"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false"
    assert kafka["KAFKA_SUPER_USERS"] == "User:admin"
    for service in SERVICES:
        env = services[service]["environment"]
        assert (env["KAFKA_SECURITY_PROTOCOL"], env["KAFKA_SASL_MECHANISM"]) == ("SASL_PLAINTEXT", "SCRAM-SHA-512")
        assert env["KAFKA_USERNAME"] == service
        assert env["KAFKA_PASSWORD"] == f"${{KAFKA_{service.upper()}_PASSWORD:-dev-kafka-{service}}}"
        assert env["KAFKA_PASSWORD"] == kafka[f"KAFKA_{service.upper()}_PASSWORD"]
    setup = (ROOT / "deploy" / "compose" / "kafka" / "setup.sh").read_text()
    assert "allow incentives Write --topic incentives.v1 --topic deals.v1.dlq --topic partners.v1.dlq" in setup
    assert "allow dealreg Write --topic deals.v1 --topic partners.v1\n" in setup


def test_mounted_files_exist(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("./"):
                assert (ROOT / source).is_file(), f"{name}: {source}"


def test_postgres_init_creates_each_services_database(compose: dict[str, Any]) -> None:
    mounts = compose["services"]["postgres"]["volumes"]
    init = next(m for m in mounts if "/docker-entrypoint-initdb.d/" in m)
    script = (ROOT / init.split(":", 1)[0]).read_text()
    assert re.search(r"for service in dealreg incentives pipeline notifications; do", script)


def test_traces_flow_from_the_collector_to_jaeger(compose: dict[str, Any]) -> None:
    mount = compose["services"]["otel-collector"]["volumes"][0]
    source, target = mount.split(":")[:2]
    config = yaml.safe_load((ROOT / source).read_text())
    assert f"--config={target}" in compose["services"]["otel-collector"]["command"]
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
    traces = config["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    exporter = config["exporters"][traces["exporters"][0]]
    assert exporter["endpoint"] == "jaeger:4317"
    for pipeline in config["service"]["pipelines"].values():
        for component in pipeline["receivers"]:
            assert component in config["receivers"]
        for component in pipeline.get("processors", []):
            assert component in config["processors"]
        for component in pipeline["exporters"]:
            assert component in config["exporters"]
