"""Real PostgreSQL and Kafka for the local stack and tests, via the repo's infra scripts.

DATABASE_URL (a server URL; each service gets its own database on it) and
KAFKA_BOOTSTRAP_SERVERS, when set, point at existing servers instead.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg

from events.kafka import ensure_topics
from events.topics import TopicNames

ROOT = Path(__file__).resolve().parents[4]
SERVICES = ("dealreg", "incentives", "pipeline", "notifications")
PORTS = {"dealreg": 8001, "incentives": 8002, "pipeline": 8003, "notifications": 8004}
DEFAULT_PG_PORT = 55432


@dataclass(frozen=True)
class Infra:
    server_url: str  # postgresql+asyncpg://user:pass@host:port (no database)
    kafka_bootstrap: str

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
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not bootstrap:
        _script("kafka.sh", "start")
        bootstrap = f"127.0.0.1:{os.environ.get('KAFKA_PORT', '9092')}"
    parts = urlsplit(server)
    return Infra(urlunsplit((parts.scheme, parts.netloc, "", "", "")), bootstrap)


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

    env = {**os.environ, "DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", service, "migrate"], check=True, env=env)


async def create_topics(infra: Infra, prefix: str = "") -> None:
    # ensure_topics waits (events.retrying.TOPICS: backoff with jitter) for a broker that is still starting.
    await ensure_topics(infra.kafka_bootstrap, TopicNames(prefix).all_with_partitions())
