"""/healthz (the process is alive) and /readyz (the API can serve: its database is reachable).

Kafka is not a condition of readiness: writes go on through the outbox while it is away, so
/readyz stays 200 and says ``"degraded": true, "kafka": "unavailable"`` (and the gauge
``kafka_available`` drops to 0). Only an unreachable database makes it 503.

A probe is cheap: its answer is kept for one second, and Kafka is asked over one connection
the service keeps (re-opened only after it broke), never a new one per call.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

from aiokafka.conn import AIOKafkaConnection, create_conn
from aiokafka.protocol.admin import ApiVersionRequest
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from prometheus_client import Gauge
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

health_router = APIRouter(tags=["operations"])

KAFKA_AVAILABLE = Gauge("kafka_available", "1 if a Kafka broker answered the last readiness probe, else 0")
DATABASE_AVAILABLE = Gauge("database_available", "1 if the database answered the last readiness probe, else 0")

# How long one probe's answer is reused, and how long each dependency may take to answer.
READINESS_TTL = 1.0
PROBE_TIMEOUT = 1.0


@health_router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def database_reachable(engine: AsyncEngine, timeout: float = 2.0) -> bool:
    try:
        async with asyncio.timeout(timeout):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


def _hosts(bootstrap_servers: str) -> list[tuple[str, int]]:
    hosts = []
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        with contextlib.suppress(ValueError):
            hosts.append((host or "127.0.0.1", int(port)))
    return hosts


class KafkaProbe:
    """Asks a broker for its API versions over one kept connection (the cheapest request there is)."""

    def __init__(
        self, bootstrap_servers: str, timeout: float = PROBE_TIMEOUT, client_options: dict[str, Any] | None = None
    ) -> None:
        self._hosts = _hosts(bootstrap_servers)
        # The service's own authentication (SASL/TLS), so the probe is what the service's clients see.
        self._options = client_options or {}
        self._timeout = timeout
        self._conn: AIOKafkaConnection | None = None

    async def available(self) -> bool:
        if self._conn is not None and self._conn.connected() and await self._answers(self._conn):
            return True
        self.close()
        for host, port in self._hosts:  # the kept connection broke: one new one, to the first broker that answers
            try:
                async with asyncio.timeout(self._timeout):
                    conn = await create_conn(
                        host,
                        port,
                        client_id="readiness-probe",
                        request_timeout_ms=int(self._timeout * 1000),
                        **self._options,
                    )
            except Exception:  # noqa: S112  (unreachable: readiness says so, no log line per probe)
                continue
            if await self._answers(conn):
                self._conn = conn
                return True
            conn.close()
        return False

    async def _answers(self, conn: AIOKafkaConnection) -> bool:
        try:
            async with asyncio.timeout(self._timeout):
                await conn.send(ApiVersionRequest())
        except Exception:
            return False
        return True

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


@dataclass(frozen=True)
class Readiness:
    database_ok: bool
    kafka_ok: bool

    @property
    def status_code(self) -> int:
        return 200 if self.database_ok else 503

    def body(self) -> dict[str, Any]:
        database = "ok" if self.database_ok else "unreachable"
        kafka = "ok" if self.kafka_ok else "unavailable"
        return {
            "status": "ready" if self.database_ok else "not ready",
            "degraded": not self.kafka_ok,
            "database": database,
            "kafka": kafka,
            "checks": {"database": database, "kafka": kafka},
        }


class ReadinessProbe:
    """The service's readiness, probed at most once per ``ttl`` seconds (concurrent callers share a probe)."""

    def __init__(
        self,
        engine: AsyncEngine,
        bootstrap_servers: str,
        ttl: float = READINESS_TTL,
        client_options: dict[str, Any] | None = None,
    ) -> None:
        self._engine = engine
        self._kafka = KafkaProbe(bootstrap_servers, client_options=client_options)
        self._ttl = ttl
        self._lock = asyncio.Lock()
        self._last: Readiness | None = None
        self._at = 0.0

    async def check(self) -> Readiness:
        if self._last is not None and time.monotonic() - self._at < self._ttl:
            return self._last
        async with self._lock:
            if self._last is not None and time.monotonic() - self._at < self._ttl:
                return self._last  # another caller probed while we waited
            database_ok, kafka_ok = await asyncio.gather(database_reachable(self._engine), self._kafka.available())
            DATABASE_AVAILABLE.set(1 if database_ok else 0)
            KAFKA_AVAILABLE.set(1 if kafka_ok else 0)
            self._last, self._at = Readiness(database_ok, kafka_ok), time.monotonic()
            return self._last

    def close(self) -> None:
        self._kafka.close()


@health_router.get(
    "/readyz",
    summary="The API can serve: its database is reachable (Kafka away only degrades it)",
    responses={503: {"description": "The database is unreachable"}},
)
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    probe: ReadinessProbe | None = getattr(state, "readiness", None)
    if probe is None:  # an app used without its lifespan (e.g. a test's bare app)
        probe = state.readiness = ReadinessProbe(state.engine, state.settings.kafka_bootstrap_servers)
    ready = await probe.check()
    return JSONResponse(ready.body(), status_code=ready.status_code)
