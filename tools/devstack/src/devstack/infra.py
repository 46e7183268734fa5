"""Real PostgreSQL and Kafka for the local stack and tests, via the repo's infra scripts.

DATABASE_URL (a server URL; each service gets its own database on it) and
KAFKA_BOOTSTRAP_SERVERS, when set, point at existing servers instead.

The local broker (infra/kafka.sh) authenticates with SASL/SCRAM-SHA-512: one user per service,
and `admin` (a super user) for creating topics and ACLs and for the tests' own clients. The
passwords are in $KAFKA_HOME/credentials.properties. An existing broker given through
KAFKA_BOOTSTRAP_SERVERS is used with the same passwords when KAFKA_SECURITY_PROTOCOL says
SASL_*, without authentication otherwise.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from events.acls import anonymous_read_bindings, create_acls, delete_acls, service_bindings
from events.kafka import KafkaSecurity, admin_client, ensure_topics
from events.topics import TopicNames

ROOT = Path(__file__).resolve().parents[4]
SERVICES = ("dealreg", "incentives", "pipeline", "notifications")
PORTS = {"dealreg": 8001, "incentives": 8002, "pipeline": 8003, "notifications": 8004}
DEFAULT_PG_PORT = 55432


def kafka_home() -> Path:
    return Path(os.environ.get("KAFKA_HOME") or ROOT / ".cache" / "kafka")


def sasl_port(kafka_port: int) -> int:
    """The local broker's authenticated listener (kafka.sh: KAFKA_PORT is the read-only one)."""
    return kafka_port + 2


def kafka_passwords() -> dict[str, str]:
    """The local brokers' SCRAM users and passwords (kafka.sh generates them once)."""
    path = kafka_home() / "credentials.properties"
    if not path.exists():
        _script("kafka.sh", "credentials")
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    return {user.strip(): password.strip() for user, password in pairs}


@dataclass(frozen=True)
class Infra:
    server_url: str  # postgresql+asyncpg://user:pass@host:port (no database)
    kafka_bootstrap: str
    # SCRAM user -> password on that broker; None: a broker without authentication.
    kafka_passwords: Mapping[str, str] | None = field(default=None, repr=False)
    # The local broker's anonymous read-only listener (local tools), if known.
    kafka_readonly_bootstrap: str | None = None

    def kafka_security(self, user: str = "admin") -> KafkaSecurity:
        """How `user` (a service, or admin) authenticates to this broker."""
        if self.kafka_passwords is None:
            return KafkaSecurity()
        return KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-512", user, self.kafka_passwords[user])

    def kafka_env(self, user: str) -> dict[str, str]:
        """The same as environment variables, for a process (servicekit's settings read them)."""
        security = self.kafka_security(user)
        env = {"KAFKA_SECURITY_PROTOCOL": security.protocol}
        if security.username and security.password:
            env.update(
                KAFKA_SASL_MECHANISM=security.mechanism,
                KAFKA_USERNAME=security.username,
                KAFKA_PASSWORD=security.password,
            )
        return env

    def database_url(self, database: str) -> str:
        parts = urlsplit(self.server_url)
        return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))

    def admin_dsn(self) -> str:
        return self.database_url("postgres").replace("postgresql+asyncpg://", "postgresql://", 1)


def _script(name: str, *args: str) -> None:
    subprocess.run(["bash", str(ROOT / "infra" / name), *args], check=True)


def ensure_infra() -> Infra:
    """Start what is not given from outside; idempotent (a running server is reused)."""
    server = os.environ.get("DATABASE_URL")
    if not server:
        _script("postgres.sh", "start")
        port = os.environ.get("PGPORT", str(DEFAULT_PG_PORT))
        server = f"postgresql+asyncpg://platform:platform@127.0.0.1:{port}"
    elif server.startswith("postgresql://"):
        server = server.replace("postgresql://", "postgresql+asyncpg://", 1)
    server = urlunsplit((urlsplit(server).scheme, urlsplit(server).netloc, "", "", ""))
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        _script("kafka.sh", "start")
        return local_kafka_infra(server, int(os.environ.get("KAFKA_PORT", "9092")))
    if os.environ.get("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT").upper().startswith("SASL"):
        return Infra(server, bootstrap, kafka_passwords())
    return Infra(server, bootstrap)


def local_kafka_infra(server_url: str, kafka_port: int) -> Infra:
    """A broker started by infra/kafka.sh with KAFKA_PORT=kafka_port."""
    return Infra(server_url, f"127.0.0.1:{sasl_port(kafka_port)}", kafka_passwords(), f"127.0.0.1:{kafka_port}")


async def create_databases(infra: Infra, names: list[str]) -> None:
    conn = await asyncpg.connect(infra.admin_dsn())
    try:
        for name in names:
            exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
            if not exists:
                await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def drop_databases(infra: Infra, names: list[str]) -> None:
    conn = await asyncpg.connect(infra.admin_dsn())
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def migrate(service: str, database_url: str) -> None:
    """`python -m <service> migrate` in its own process: each service's tables stay in its own process."""
    import sys

    # The local stack is a development stack: its services run with ENVIRONMENT=development
    # (processes.py), and so do their migrations (notifications' seals webhook secrets with the key).
    env = {"ENVIRONMENT": "development", **os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", service, "migrate"], check=True, env=env)


async def create_topics(infra: Infra, prefix: str = "", *, acls: bool = True) -> None:
    """The topics under `prefix` and, on an authenticating broker, every service's ACLs for them.

    `acls=False` skips the grants: for clients that all use the admin user (the integration
    tests' in-process services), where waiting for the broker to apply them would only cost time.
    """
    security = infra.kafka_security("admin")
    # ensure_topics waits (events.retrying.TOPICS: backoff with jitter) for a broker that is still starting.
    await ensure_topics(infra.kafka_bootstrap, TopicNames(prefix).all_with_partitions(), security)
    if acls and infra.kafka_passwords is not None:
        await grant_service_acls(infra, prefix)


async def grant_service_acls(infra: Infra, prefix: str = "") -> None:
    """Each service's grants on the topics under `prefix`, and the anonymous read-only ones."""
    bindings = service_bindings(TopicNames(prefix)) + anonymous_read_bindings()
    await create_acls(infra.kafka_bootstrap, bindings, infra.kafka_security("admin"))


async def delete_topics(infra: Infra, prefix: str) -> None:
    """The topics under `prefix` and the services' ACLs for them (the anonymous ones stay)."""
    security = infra.kafka_security("admin")
    admin = admin_client(infra.kafka_bootstrap, "test-topics", security)
    await admin.start()
    try:
        await admin.delete_topics(list(TopicNames(prefix).all_with_partitions()))
    finally:
        await admin.close()
    if infra.kafka_passwords is not None:
        await delete_acls(infra.kafka_bootstrap, service_bindings(TopicNames(prefix)), security)
