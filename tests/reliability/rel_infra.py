"""The reliability suite's own PostgreSQL, Kafka and service processes (never the shared ones).

The fault tests stop and restart PostgreSQL and Kafka, so they must never touch the servers
other test runs share (55432, 9092): this suite starts its own on 55433 and 19093, and the
services on 28001-28004, and stops all of them at the end of the session.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
import httpx

from devstack.infra import Infra, create_databases, drop_databases, migrate
from devstack.processes import ServiceProcess, Stack
from devstack.tokens import dev_token
from support.stacks import prepared_stack

ROOT = Path(__file__).resolve().parents[2]
PG_PORT = 55433
PG_HOME = ROOT / ".cache" / "pg-reliability"
KAFKA_PORT = 19093
PORTS = {"dealreg": 28001, "incentives": 28002, "pipeline": 28003, "notifications": 28004}
RUN = f"rel{uuid.uuid4().hex[:6]}"
EXTRA_ENV = {
    "WEBHOOK_ALLOW_PRIVATE": "1",
    "SCHEDULER_INTERVAL": "PT1S",
    "OUTBOX_POLL_INTERVAL": "0.2",
    # Long enough to outlast every fault of the suite, short enough to converge quickly.
    "WEBHOOK_RETRY_SCHEDULE": "PT0.5S,PT1S,PT2S,PT4S,PT8S,PT15S,PT30S",
    # A claim whose worker crashed (PostgreSQL restart) is retried when its lease runs out:
    # a short lease keeps that wait inside the test's patience (the default is 2 minutes).
    "WEBHOOK_TIMEOUT": "PT2S",
    "WEBHOOK_LEASE": "PT10S",
    "OTEL_SDK_DISABLED": "true",
}


@dataclass
class PrivateInfra:
    """The suite's own servers, with the fault switches the tests flip."""

    infra: Infra

    def _run(self, script: str, verb: str) -> None:
        env = {**os.environ, "PGPORT": str(PG_PORT), "PG_HOME": str(PG_HOME), "KAFKA_PORT": str(KAFKA_PORT)}
        env.pop("DATABASE_URL", None)
        env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        done = subprocess.run(["bash", str(ROOT / "infra" / script), verb], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            output = f"{done.stdout[-1000:]} {done.stderr[-2000:]}"
            raise RuntimeError(f"{script} {verb} failed ({done.returncode}): {output}")

    def postgres(self, verb: str) -> None:
        self._run("postgres.sh", verb)

    def kafka(self, verb: str) -> None:
        try:
            self._run("kafka.sh", verb)
        except RuntimeError:
            if verb != "start":
                raise
            # A broker stopped a moment ago may still hold its port or lock: stop it, try once more.
            self._run("kafka.sh", "stop")
            time.sleep(2)
            self._run("kafka.sh", verb)


def private_stack(infra: Infra) -> Stack:
    """The four services on 28001-28004 against the private servers, on this run's databases
    (made and migrated) and topics: not started yet."""
    return prepared_stack(
        infra,
        f"{RUN}_",
        topic_prefix=f"{RUN}.",
        log_dir=ROOT / ".cache" / "logs" / RUN,
        ports=dict(PORTS),
        extra_env=dict(EXTRA_ENV),
    )


def admin_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token('admin', sub='rel-admin')}"}


def extra_service(stack: Stack, name: str, port: int, database: str, **env: str) -> ServiceProcess:
    """One more process of a service (own database, own settings) next to the stack."""
    infra = stack.infra
    asyncio.run(create_databases(infra, [database]))
    migrate(name, infra.database_url(database))
    proc_env = {**stack.env_for(name), "DATABASE_URL": infra.database_url(database), "PORT": str(port), **env}
    proc = ServiceProcess(name, port, proc_env, stack.log_dir / f"{name}-{port}.log")
    proc.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert proc.alive(), f"{name} on {port} exited; see {proc.log_path}"
        try:
            if httpx.get(f"{proc.url}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.stop()
    raise RuntimeError(f"{name} on {port} not ready")


async def kill_and_await_restart(stack: Stack, name: str, give_up_after: float | None = None) -> float:
    """SIGKILL one service; seconds until the supervisor (Stack.supervise) has a new process running.
    With `give_up_after`, fails once that many seconds have passed without one."""
    proc = stack.services[name]
    assert proc.process is not None
    old_pid = proc.process.pid
    proc.kill(signal.SIGKILL)
    killed_at = time.monotonic()
    await asyncio.to_thread(proc.process.wait, 10)
    while not (proc.alive() and proc.process.pid != old_pid):
        if give_up_after is not None:
            assert time.monotonic() - killed_at < give_up_after, f"{name} not restarted"
        await asyncio.sleep(0.05)
    return time.monotonic() - killed_at


async def drop_run_databases(infra: Infra) -> None:
    """Every database this run created on the private server."""
    conn = await asyncpg.connect(infra.admin_dsn())
    try:
        rows = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", f"{RUN}_%")
        names = [r["datname"] for r in rows]
    finally:
        await conn.close()
    await drop_databases(infra, names)
