"""Processes and probes the phases share: the load generator, readiness, database counters."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench.stats import summary


async def run_loadgen(spec: dict[str, Any]) -> dict[str, Any]:
    """`python -m bench.loadgen` in its own process; returns its raw result."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        spec_path, out_path = Path(tmp) / "spec.json", Path(tmp) / "out.json"
        spec_path.write_text(json.dumps(spec))
        args = ["-m", "bench.loadgen", str(spec_path), str(out_path)]
        proc = await asyncio.create_subprocess_exec(sys.executable, *args)
        rc = await proc.wait()
        if rc != 0:
            raise RuntimeError(f"load generator exited with {rc}")
        result: dict[str, Any] = json.loads(out_path.read_text())
        return result


def load_summary(raw: dict[str, Any]) -> dict[str, Any]:
    ok = [r[1] for r in raw["records"] if r[2] in (200, 201)]
    statuses: dict[str, int] = {}
    for r in raw["records"]:
        statuses[str(r[2])] = statuses.get(str(r[2]), 0) + 1
    elapsed = raw["elapsed_s"]
    return {
        "concurrency": raw["concurrency"],
        "target_rate": raw.get("rate"),
        "duration_s": round(elapsed, 2),
        "requests": len(raw["records"]),
        "ok": len(ok),
        "statuses": statuses,
        "transport_errors": raw["errors"],
        "rps": round(len(ok) / elapsed, 1) if elapsed > 0 else None,
        **summary(ok),
        "loadgen_cores": raw.get("loadgen_cores"),
    }


def start_process(args: list[str], env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def stop_process(proc: subprocess.Popen[bytes] | None, timeout: float = 10) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def wait_http_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> float:
    """Seconds until GET url answers 200; raises if the process dies first."""
    t0 = time.monotonic()
    async with httpx.AsyncClient(timeout=1) as client:
        while time.monotonic() - t0 < timeout:
            if proc.poll() is not None:
                raise RuntimeError(f"process exited with {proc.returncode} before {url} was ready")
            try:
                if (await client.get(url)).status_code == 200:
                    return time.monotonic() - t0
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def count(database_url: str, sql: str) -> int:
    conn = await asyncpg.connect(dsn(database_url))
    try:
        return int(await conn.fetchval(sql) or 0)
    finally:
        await conn.close()


async def sessions_opened(database_url: str) -> dict[str, int]:
    """Connections ever opened to each database (pg_stat_database.sessions, PostgreSQL 14+): the
    difference over a phase shows pools that connect per request (each a backend fork and a SCRAM
    exchange). Any database of the cluster will do."""
    conn = await asyncpg.connect(dsn(database_url))
    try:
        rows = await conn.fetch("SELECT datname, sessions FROM pg_stat_database WHERE datname IS NOT NULL")
        return {r["datname"]: int(r["sessions"]) for r in rows}
    finally:
        await conn.close()


async def quiesce(
    database_urls: list[str], timeout: float, settle: int = 3, meter: CpuMeter | None = None
) -> dict[str, Any]:
    """Wait until every consumer has drained its backlog: processed_events counts stop moving
    and no outbox row is unsent. Returns how long that took; `meter` is marked whenever work
    was still going on (the last mark is when the drain ended)."""
    t0 = time.monotonic()
    last: tuple[int, ...] | None = None
    stable = 0
    # One connection per database for the whole wait: a connection per probe would add backend forks
    # and SCRAM exchanges to the PostgreSQL CPU the meter is measuring.
    conns = [await asyncpg.connect(dsn(url)) for url in database_urls]
    try:
        has_outbox = [bool(await c.fetchval("SELECT to_regclass('outbox') IS NOT NULL")) for c in conns]
        while time.monotonic() - t0 < timeout:
            counts = []
            unsent = 0
            for conn, outbox in zip(conns, has_outbox, strict=True):
                counts.append(int(await conn.fetchval("SELECT count(*) FROM processed_events")))
                if outbox:  # notifications publishes nothing and keeps no outbox.
                    unsent += int(await conn.fetchval("SELECT count(*) FROM outbox WHERE sent_at IS NULL"))
            current = tuple(counts)
            stable = stable + 1 if current == last and unsent == 0 else 0
            if meter is not None and stable == 0:
                meter.mark()
            last = current
            if stable >= settle:
                return {"drained": True, "seconds": round(time.monotonic() - t0 - settle, 1)}
            await asyncio.sleep(0.5 if meter is not None else 1)
        return {"drained": False, "seconds": round(time.monotonic() - t0, 1)}
    finally:
        for conn in conns:
            await conn.close()


def _ticks(pid: int) -> int:
    """utime + stime of one process and of its children that ended and were waited for (cutime +
    cstime), in clock ticks (0 if it is gone). The children's part counts a PostgreSQL backend that
    exits during a phase (a pool's overflow connection): listed alive, it would be lost when it ends."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    return sum(int(f) for f in fields[11:15])


def _ppid(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return 0


def pids_named(names: tuple[str, ...]) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def process_tree(root: int) -> list[int]:
    """`root` and its children (a PostgreSQL postmaster and its backends)."""
    if root <= 0 or not Path(f"/proc/{root}").exists():
        return []
    children = [int(e.name) for e in Path("/proc").iterdir() if e.name.isdigit() and _ppid(int(e.name)) == root]
    return [root, *children]


InfraProcesses = Callable[[], dict[str, list[int]]]


def shared_infra_processes() -> dict[str, list[int]]:
    """Every postgres and java process of the machine: the shared servers, with other users' work."""
    return {"postgres": pids_named(("postgres",)), "kafka": pids_named(("java",))}


class CpuMeter:
    """CPU used per process group over a phase: the services by pid, PostgreSQL and Kafka as
    `infra` lists them (the bench's own servers: exactly theirs). "machine busy" is the whole
    machine; "everything else" is what none of the measured processes used (other users).

    `mark()` remembers the counters now; `read(at_mark=True)` ends the phase there (the moment the
    consumers were last seen working), so the idle wait that proves a drain does not count."""

    def __init__(self, pids: dict[str, int], infra: InfraProcesses = shared_infra_processes) -> None:
        self.pids = pids
        self.infra = infra
        self.result: dict[str, float] = {}
        self._start: tuple[float, dict[str, dict[int, int]], int] = (0.0, {}, 0)
        self._mark: tuple[float, dict[str, dict[int, int]], int] | None = None

    def _groups(self) -> dict[str, dict[int, int]]:
        out = {name: {pid: _ticks(pid)} for name, pid in self.pids.items()}
        for group, pids in self.infra().items():
            out[group] = {p: _ticks(p) for p in pids}
        return out

    @staticmethod
    def _machine() -> int:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        idle = int(fields[3]) + int(fields[4])
        return sum(int(f) for f in fields[:8]) - idle

    def _sample(self) -> tuple[float, dict[str, dict[int, int]], int]:
        return time.monotonic(), self._groups(), self._machine()

    def __enter__(self) -> CpuMeter:
        self._start = self._sample()
        return self

    def __exit__(self, *exc: object) -> None:
        self.result = self.read()

    def mark(self) -> None:
        self._mark = self._sample()

    def add_loadgen(self, cores: float | None) -> dict[str, float]:
        """The result with the load generator's own CPU taken out of "everything else"."""
        if cores:
            self.result["load generator"] = cores
            self.result["everything else"] = round(max(0.0, self.result["everything else"] - cores), 2)
        return self.result

    def seconds(self, at_mark: bool = False) -> tuple[float, dict[str, float]]:
        """Wall seconds of the phase and CPU seconds per group (the services, postgres, kafka)."""
        import os

        hz = os.sysconf("SC_CLK_TCK")
        t0, before, _ = self._start
        t1, now, _ = self._mark if at_mark and self._mark is not None else self._sample()
        out: dict[str, float] = {}
        for group, ticks_now in now.items():
            was = before.get(group, {})
            # A process that started during the phase counts from zero; one that ended is lost.
            out[group] = sum(max(0, t - was.get(pid, 0)) for pid, t in ticks_now.items()) / hz
        return t1 - t0, out

    def read(self, loadgen_cores: float = 0.0, at_mark: bool = False) -> dict[str, float]:
        import os

        hz = os.sysconf("SC_CLK_TCK")
        wall, cpu = self.seconds(at_mark)
        end = self._mark if at_mark and self._mark is not None else self._sample()
        out = {group: round(s / wall, 2) for group, s in cpu.items()}
        machine = (end[2] - self._start[2]) / hz / wall
        ours = sum(out.values()) + loadgen_cores
        out["machine busy"] = round(machine, 2)
        out["everything else"] = round(max(0.0, machine - ours), 2)
        return out
