"""PostgreSQL and Kafka in containers that testcontainers starts, for the integration suite.

The engine is whichever Docker-compatible API answers first: DOCKER_HOST, Docker's default
socket, or the podman socket that infra/containers.sh serves under .cache/containers (make
bootstrap starts it where it is root with apt-get). The images are PLATFORM_PG_IMAGE and
PLATFORM_KAFKA_IMAGE when set, else the local ones infra/containers.sh built (named in
.cache/containers/images.env), else Docker Hub's postgres:16 and apache/kafka:4.1.1.

Kafka is set up like infra/kafka.sh's broker, by deploy/compose/kafka/start.sh (copied into the
container, so any apache/kafka-like image serves): SASL/SCRAM-SHA-512 with admin and one user
per service, with this checkout's passwords (devstack.infra.kafka_passwords), and an anonymous
read-only PLAINTEXT listener. Its listeners must advertise the host's mapped ports, which are
known only once the container runs: its entrypoint waits for them in a file this module writes.
"""

from __future__ import annotations

import contextlib
import os
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

from devstack.infra import ROOT, Infra, kafka_passwords

CONTAINERS_DIR = ROOT / ".cache" / "containers"
PODMAN_SOCKET = CONTAINERS_DIR / "podman.sock"
DEFAULT_IMAGES = {"PLATFORM_PG_IMAGE": "postgres:16", "PLATFORM_KAFKA_IMAGE": "apache/kafka:4.1.1"}
KAFKA_START = ROOT / "deploy" / "compose" / "kafka" / "start.sh"
ADVERTISED = "/tmp/platform-advertised"  # noqa: S108  # a path inside the container
# Inside the container: TOOLS (anonymous, read-only) and EXTERNAL (SASL) are published to the
# host; SERVICES is the broker's own (inter-broker) listener, CONTROLLER the KRaft controller's.
TOOLS_PORT, CONTROLLER_PORT, EXTERNAL_PORT, SERVICES_PORT = 9092, 9093, 9094, 9095
KAFKA_USERS = ("admin", "dealreg", "incentives", "pipeline", "notifications")


def _answers(docker_host: str) -> bool:
    import docker

    try:
        client = docker.DockerClient(base_url=docker_host, timeout=3)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:  # any failure means: not this engine
        return False


def engine() -> str | None:
    """The Docker API to use (and sets DOCKER_HOST to it), or None when none answers."""
    given = os.environ.get("DOCKER_HOST")
    if given:
        return given if _answers(given) else None
    for candidate, ours in (("unix:///var/run/docker.sock", False), (f"unix://{PODMAN_SOCKET}", True)):
        if Path(urlsplit(candidate).path).exists() and _answers(candidate):
            os.environ["DOCKER_HOST"] = candidate
            if ours:
                _podman_settings()
            return candidate
    return None


def _podman_settings() -> None:
    """What testcontainers needs on this machine's podman (read when testcontainers is imported).

    No registry is reachable, so Ryuk's image cannot be pulled: the fixtures remove their own
    containers. /.dockerenv exists on the VM, so testcontainers would believe it runs inside a
    container and look for a gateway: the ports are published on this host.
    """
    os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")
    os.environ.setdefault("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
    os.environ.setdefault("TESTCONTAINERS_HOST_OVERRIDE", "127.0.0.1")


def images() -> tuple[str, str]:
    """(PostgreSQL image, Kafka image)."""
    built: dict[str, str] = {}
    listed = CONTAINERS_DIR / "images.env"
    if listed.exists():
        pairs = (line.split("=", 1) for line in listed.read_text().splitlines() if "=" in line)
        built = {key.strip(): value.strip() for key, value in pairs}
    pick = {key: os.environ.get(key) or built.get(key) or default for key, default in DEFAULT_IMAGES.items()}
    return pick["PLATFORM_PG_IMAGE"], pick["PLATFORM_KAFKA_IMAGE"]


def _kafka_environment(passwords: dict[str, str]) -> dict[str, str]:
    """start.sh's settings: KAFKA_* become server properties (the passwords never do)."""
    env = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_LISTENERS": (
            f"TOOLS://:{TOOLS_PORT},CONTROLLER://:{CONTROLLER_PORT},"
            f"EXTERNAL://:{EXTERNAL_PORT},SERVICES://:{SERVICES_PORT}"
        ),
        "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": (
            "TOOLS:PLAINTEXT,CONTROLLER:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,SERVICES:SASL_PLAINTEXT"
        ),
        "KAFKA_INTER_BROKER_LISTENER_NAME": "SERVICES",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": f"1@localhost:{CONTROLLER_PORT}",
        "KAFKA_SASL_ENABLED_MECHANISMS": "SCRAM-SHA-512",
        "KAFKA_SASL_MECHANISM_INTER_BROKER_PROTOCOL": "SCRAM-SHA-512",
        "KAFKA_SASL_MECHANISM_CONTROLLER_PROTOCOL": "PLAIN",
        "KAFKA_LISTENER_NAME_CONTROLLER_SASL_ENABLED_MECHANISMS": "PLAIN",
        "KAFKA_AUTHORIZER_CLASS_NAME": "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
        "KAFKA_SUPER_USERS": "User:admin",
        "KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND": "false",
        # The same topic defaults as infra/kafka.sh's broker.
        "KAFKA_NUM_PARTITIONS": "6",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS": "12",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        "KAFKA_LOG_DIRS": "/tmp/kraft-combined-logs",  # noqa: S108  # inside the container, removed with it
        "KAFKA_HEAP_OPTS": "-Xms512m -Xmx512m",
    }
    for user in KAFKA_USERS:
        env[f"KAFKA_{user.upper()}_PASSWORD"] = passwords[user]
    return env


@contextlib.contextmanager
def container_infra() -> Iterator[Infra]:
    """A PostgreSQL and a Kafka container for the duration of the block, removed at its end.

    Call engine() first: it points testcontainers (imported here, after it) at the engine.
    """
    from testcontainers.community.postgres import PostgresContainer
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    pg_image, kafka_image = images()
    passwords = kafka_passwords()
    # The entrypoint waits for the advertised listeners (written below), then runs start.sh.
    wait_then_start = (
        f"while [ ! -s {ADVERTISED} ]; do sleep 0.1; done; "
        f'export KAFKA_ADVERTISED_LISTENERS="$(cat {ADVERTISED})"; exec sh /opt/platform/start.sh'
    )
    kafka = (
        DockerContainer(kafka_image)
        .with_envs(**_kafka_environment(passwords))
        .with_copy_into_container(KAFKA_START, "/opt/platform/start.sh", 0o755)
        .with_kwargs(entrypoint=["/bin/sh", "-c", wait_then_start])
    )
    postgres = PostgresContainer(pg_image, username="platform", password="platform", dbname="postgres", driver=None)
    # Published on the loopback interface only, like compose's ports: nothing for other hosts.
    for container, port in ((kafka, TOOLS_PORT), (kafka, EXTERNAL_PORT), (postgres, 5432)):
        cast(Any, container.ports)[port] = ("127.0.0.1",)  # docker-py: (address,) is any free port there
    with contextlib.ExitStack() as started:
        # Kafka first: it boots while PostgresContainer.start() waits for its server to answer.
        kafka.start()
        started.callback(kafka.stop)
        host = kafka.get_container_host_ip()
        tools = f"{host}:{kafka.get_exposed_port(TOOLS_PORT)}"
        external = f"{host}:{kafka.get_exposed_port(EXTERNAL_PORT)}"
        advertised = f"TOOLS://{tools},EXTERNAL://{external},SERVICES://localhost:{SERVICES_PORT}"
        written = kafka.exec(
            ["sh", "-c", f"echo {shlex.quote(advertised)} > {ADVERTISED}.tmp && mv {ADVERTISED}.tmp {ADVERTISED}"]
        )
        if written.exit_code != 0:
            raise RuntimeError(f"could not configure the Kafka container: {written.output!r}")
        postgres.start()
        started.callback(postgres.stop)
        # Generous: two JVMs start one after the other (the storage format, then the broker),
        # 26 s here on a quiet machine, 72 s under a load average of 14.
        LogMessageWaitStrategy("Kafka Server started").with_startup_timeout(300).wait_until_ready(kafka)
        pg_host, pg_port = postgres.get_container_host_ip(), postgres.get_exposed_port(5432)
        yield Infra(f"postgresql+asyncpg://platform:platform@{pg_host}:{pg_port}", external, passwords, tools)


def integration_choice() -> str:
    """Where the integration suite's servers come from: "given", "containers" or "local".

    In this order: servers given by DATABASE_URL or KAFKA_BOOTSTRAP_SERVERS (devstack.infra
    starts a local process for one not given); containers, when an engine answers (and
    PLATFORM_CONTAINERS is not 0); else local processes (infra/postgres.sh, infra/kafka.sh).
    """
    if os.environ.get("DATABASE_URL") or os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        return "given"
    if os.environ.get("PLATFORM_CONTAINERS", "1") != "0" and engine() is not None:
        return "containers"
    return "local"


def describe(choice: str) -> str:
    """One line for pytest's header."""
    if choice == "given":
        given = [name for name in ("DATABASE_URL", "KAFKA_BOOTSTRAP_SERVERS") if os.environ.get(name)]
        return f"servers given by {' and '.join(given)}"
    if choice == "containers":
        pg_image, kafka_image = images()
        return f"containers by testcontainers on {os.environ['DOCKER_HOST']} ({pg_image}, {kafka_image})"
    return "local processes (infra/postgres.sh, infra/kafka.sh)"


@contextlib.contextmanager
def integration_infra() -> Iterator[Infra]:
    """The integration suite's servers, as integration_choice() says."""
    from devstack.infra import ensure_infra

    if integration_choice() == "containers":
        with container_infra() as infra:
            yield infra
    else:
        yield ensure_infra()
