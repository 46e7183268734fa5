"""`python -m bench` (make bench): the platform against the limits of this machine, in one run.

Starts its own PostgreSQL (port 55452) and Kafka (19392, SASL on 19394) unless BENCH_INFRA=shared,
an isolated stack on them (databases bench_*, topic prefix "bench.", ports 19001-19004), measures
each figure of issue 22 (every phase three times: the median and the spread), tears everything
down, and writes bench/results/latest.json and latest.md (with PNG plots).
Sizes: BENCH_DURATION, BENCH_EVENTS, ... or the flags below (`python -m bench --help`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import platform
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench import kafka_bench
from bench import profile as profiler
from bench.receiver import Receiver
from bench.report import write_report
from bench.runner import (
    CpuMeter,
    InfraProcesses,
    count,
    load_summary,
    process_tree,
    quiesce,
    run_loadgen,
    sessions_opened,
    shared_infra_processes,
    start_process,
    stop_process,
    wait_http_ready,
)
from bench.stats import epoch, median_run, reward_stages, spread, summary
from bench.wrk import curve, run_wrk
from devstack.infra import (
    SERVICES,
    Infra,
    create_databases,
    create_topics,
    drop_databases,
    ensure_infra,
    local_kafka_infra,
    migrate,
)
from devstack.processes import Stack
from devstack.tokens import dev_token
from events.kafka import client_options
from support import scenario

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / ".cache" / "logs" / "bench"
PREFIX = "bench."
PHASES = (
    "kafka_roundtrip",
    "http",
    "cpu_per_registration",
    "e2e_reward",
    "dealreg_batch",
    "consumer_replay",
    "webhooks",
)
PORTS = {"dealreg": 19001, "incentives": 19002, "pipeline": 19003, "notifications": 19004}
BASELINE_PORT, REPLAY_PORT, WEBHOOK_PORT, RECEIVER_PORT, MONOLITH_PORT = 19005, 19006, 19007, 19008, 19009
BENCH_PG_PORT, BENCH_KAFKA_PORT = 55452, 19392
PARTNER = "p-bench"
SPAN_MS = "SELECT (extract(epoch FROM max(processed_at) - min(processed_at)) * 1000)::bigint FROM processed_events"
PROGRAM = {**scenario.PROGRAM, "name": "Bench program"}
PARTNER_PROFILE = {**scenario.partner_profile("acme", tier=2), "name": "Bench Partner"}
PLATFORM_GROUPS = ("dealreg", "incentives", "pipeline", "notifications", "postgres", "kafka")


@dataclass(frozen=True)
class Config:
    duration: float
    warmup: float
    concurrency: tuple[int, ...]
    repeats: int
    cpu_rate: float
    cpu_duration: float
    e2e_rate: float | None  # None: half the registration maximum measured in the same run
    e2e_duration: float
    events: int
    roundtrips: int
    webhook_events: int
    webhook_subscriptions: int
    quiesce_timeout: float
    phase_timeout: float  # the consumer replay and the webhook run stop here, figures from what arrived
    profile: bool
    out: Path
    phases: tuple[str, ...]
    shared_infra: bool


def parse_config(argv: list[str]) -> Config:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", "10")), help="s per wrk run")
    p.add_argument("--warmup", type=float, default=float(env("BENCH_WARMUP", "2")), help="s of wrk before each")
    p.add_argument("--concurrency", default=env("BENCH_CONCURRENCY", "16,64"), help="comma-separated levels")
    p.add_argument("--repeats", type=int, default=int(env("BENCH_REPEATS", "3")), help="runs of each phase")
    p.add_argument("--cpu-rate", type=float, default=float(env("BENCH_CPU_RATE", "50")), help="registrations/s")
    p.add_argument("--cpu-duration", type=float, default=float(env("BENCH_CPU_DURATION", "15")))
    p.add_argument("--e2e-rate", type=float, default=float(env("BENCH_E2E_RATE", "0")) or None,
                   help="registrations/s (default: half the registration maximum of this run)")  # fmt: skip
    p.add_argument("--e2e-duration", type=float, default=float(env("BENCH_E2E_DURATION", "10")))
    p.add_argument("--events", type=int, default=int(env("BENCH_EVENTS", "4000")), help="consumer replay size")
    p.add_argument("--roundtrips", type=int, default=int(env("BENCH_ROUNDTRIPS", "300")))
    p.add_argument("--webhook-events", type=int, default=int(env("BENCH_WEBHOOK_EVENTS", "300")))
    p.add_argument("--webhook-subscriptions", type=int, default=int(env("BENCH_WEBHOOK_SUBSCRIPTIONS", "4")))
    p.add_argument("--phase-timeout", type=float, default=float(env("BENCH_PHASE_TIMEOUT", "90")), help="s cap")
    p.add_argument(
        "--profile",
        action="store_true",
        default=env("BENCH_PROFILE", "") == "1",
        help="py-spy every service during an extra, unmeasured CPU-per-registration run",
    )
    p.add_argument("--out", type=Path, default=Path(env("BENCH_OUT", str(RESULTS))), help="results directory")
    p.add_argument(
        "--phases",
        default=env("BENCH_PHASES", ",".join(PHASES)),
        help=f"comma-separated subset of {','.join(PHASES)} (to iterate on one figure)",
    )
    p.add_argument("--quiesce-timeout", type=float, default=float(env("BENCH_QUIESCE_TIMEOUT", "60")))
    p.add_argument(
        "--shared-infra",
        action="store_true",
        default=env("BENCH_INFRA", "") == "shared",
        help="use DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS instead of the bench's own servers "
        "(their CPU then includes other users' work)",
    )
    a = p.parse_args(argv)
    return Config(
        duration=a.duration,
        warmup=a.warmup,
        concurrency=tuple(int(c) for c in a.concurrency.split(",") if c.strip()),
        repeats=max(1, a.repeats),
        cpu_rate=a.cpu_rate,
        cpu_duration=a.cpu_duration,
        e2e_rate=a.e2e_rate,
        e2e_duration=a.e2e_duration,
        events=a.events,
        roundtrips=a.roundtrips,
        webhook_events=a.webhook_events,
        webhook_subscriptions=a.webhook_subscriptions,
        quiesce_timeout=a.quiesce_timeout,
        phase_timeout=a.phase_timeout,
        profile=a.profile,
        out=a.out,
        phases=tuple(x.strip() for x in a.phases.split(",") if x.strip() in PHASES),
        shared_infra=a.shared_infra,
    )


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def machine_info() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = None
    with contextlib.suppress(OSError, ValueError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem_gb = round(kb / 1024 / 1024, 1)
    return {
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "mem_gb": mem_gb,
        "load_avg_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def load_spec(
    url: str, token: str, tag: str, concurrency: int, duration: float, warmup: float, **extra: Any
) -> dict[str, Any]:
    return {
        "url": url,
        "path": "/v1/deals",
        "token": token,
        "tag": tag,
        "concurrency": concurrency,
        "duration": duration,
        "warmup": warmup,
        **extra,
    }


class BenchServers:
    """The bench's own PostgreSQL and Kafka (infra/postgres.sh, infra/kafka.sh on their own ports and
    data folders): their processes are the bench's alone, so their CPU is the platform's alone."""

    pg_home = ROOT / ".cache" / "pg-bench"

    def __init__(self, statements: bool = False) -> None:
        self.kafka_home = Path(os.environ.get("KAFKA_HOME", str(ROOT / ".cache" / "kafka")))
        # --profile: pg_stat_statements counts each statement's calls and time (Bench.statement_profile).
        self.extra_conf = (
            "shared_preload_libraries = 'pg_stat_statements'\npg_stat_statements.track = all" if statements else ""
        )

    def _run(self, script: str, verb: str) -> None:
        env = {**os.environ, "PGPORT": str(BENCH_PG_PORT), "PG_HOME": str(self.pg_home),
               "KAFKA_PORT": str(BENCH_KAFKA_PORT), "KAFKA_HOME": str(self.kafka_home),
               "PG_EXTRA_CONF": self.extra_conf}  # fmt: skip
        env.pop("DATABASE_URL", None)
        env.pop("KAFKA_BOOTSTRAP_SERVERS", None)
        done = subprocess.run(["bash", str(ROOT / "infra" / script), verb], env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(
                f"{script} {verb} failed ({done.returncode}): {done.stdout[-1000:]} {done.stderr[-2000:]}"
            )

    def start(self) -> Infra:
        say(f"the bench's own PostgreSQL on {BENCH_PG_PORT} and Kafka on {BENCH_KAFKA_PORT}")
        # A fresh cluster each run: nothing left from the last one (whose databases an autovacuum
        # worker may hold, which DROP DATABASE .. FORCE may not end as the platform user).
        self._run("postgres.sh", "stop")
        shutil.rmtree(self.pg_home / f"data-{BENCH_PG_PORT}", ignore_errors=True)
        self._run("postgres.sh", "start")
        self._run("kafka.sh", "start")
        return local_kafka_infra(f"postgresql+asyncpg://platform:platform@127.0.0.1:{BENCH_PG_PORT}", BENCH_KAFKA_PORT)

    def stop(self) -> None:
        for script in ("kafka.sh", "postgres.sh"):
            with contextlib.suppress(RuntimeError):
                self._run(script, "stop")

    def processes(self) -> dict[str, list[int]]:
        def pid_in(path: Path) -> int:
            with contextlib.suppress(OSError, ValueError, IndexError):
                return int(path.read_text().split()[0])
            return 0

        postmaster = pid_in(self.pg_home / f"data-{BENCH_PG_PORT}" / "postmaster.pid")
        kafka = pid_in(self.kafka_home / f"kafka-{BENCH_KAFKA_PORT}.pid")
        return {"postgres": process_tree(postmaster), "kafka": [kafka] if kafka else []}


class Bench:
    def __init__(self, cfg: Config, infra: Infra, infra_processes: InfraProcesses) -> None:
        self.cfg = cfg
        self.infra = infra
        self.infra_processes = infra_processes
        self.run = uuid.uuid4().hex[:6]
        self.databases = {s: f"bench_{s}" for s in SERVICES}
        reps = range(cfg.repeats)
        self.replay_dbs = [f"bench_replay_incentives{i}" for i in reps]
        self.webhook_dbs = [f"bench_webhooks_notifications{i}" for i in reps]
        self.extra_dbs = {"baseline": "bench_baseline", "monolith": "bench_monolith"}
        self.admin = dev_token("admin", sub="bench-admin")
        self.partner = dev_token("partner", sub="rep-bench", partner_id=PARTNER)
        self.stack: Stack | None = None
        config = cfg.__dict__ | {"concurrency": list(cfg.concurrency), "out": str(cfg.out)}
        self.results: dict[str, Any] = {"machine": machine_info(), "config": config}
        self.samples: dict[str, list[float]] = {}
        self.profiles: list[tuple[str, asyncio.subprocess.Process, Path]] = []

    def meter(self, pids: dict[str, int]) -> CpuMeter:
        return CpuMeter(pids, self.infra_processes)

    async def start_profile(self, label: str, pid: int, seconds: float) -> None:
        if not self.cfg.profile:
            return
        out = LOGS / f"profile-{label.split()[0]}.collapsed"
        proc = await profiler.record(pid, seconds, out)
        if proc is None:
            self.results.setdefault("profiles", {})[label] = {"error": "py-spy not installed"}
        else:
            self.profiles.append((label, proc, out))

    async def finish_profiles(self) -> None:
        for label, proc, out in self.profiles:
            await proc.wait()
            summary_ = profiler.top(out) if out.exists() else {"error": f"py-spy exited {proc.returncode}"}
            self.results.setdefault("profiles", {})[label] = summary_ | {"collapsed_stacks": str(out)}
        self.profiles.clear()

    async def statement_profile(self, reset: bool, registrations: int = 0) -> dict[str, Any] | None:
        """pg_stat_statements of the bench's own cluster (loaded with --profile): reset before a run,
        then per database the statements' calls and execution time per registration, the heaviest
        first (the drain wait's own probes included). None when the extension is not loaded."""
        import asyncpg

        if self.cfg.shared_infra:
            return None

        # As the cluster's superuser (trusted on 127.0.0.1 in the bench's own cluster): the extension
        # is not one a database owner may create.
        conn = await asyncpg.connect(host="127.0.0.1", port=BENCH_PG_PORT, user="postgres", database="postgres")
        try:
            try:
                await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
            except asyncpg.PostgresError:  # not loaded (no --profile), or the shared servers
                return None
            if reset:
                await conn.execute("SELECT pg_stat_statements_reset()")
                return {}
            rows = await conn.fetch(
                "SELECT d.datname, s.calls, s.total_exec_time, s.max_exec_time, s.query FROM pg_stat_statements s"
                " JOIN pg_database d ON d.oid = s.dbid ORDER BY s.total_exec_time DESC"
            )
        finally:
            await conn.close()
        per = max(registrations, 1)
        out: dict[str, Any] = {}
        for db, group in itertools.groupby(sorted(rows, key=lambda r: r["datname"]), key=lambda r: r["datname"]):
            items = sorted(group, key=lambda r: -r["total_exec_time"])
            out[db] = {
                "calls_per_registration": round(sum(r["calls"] for r in items) / per, 2),
                "exec_ms_per_registration": round(sum(r["total_exec_time"] for r in items) / per, 3),
                "top": [  # calls and ms per registration, the slowest call's ms, the statement
                    [
                        round(r["calls"] / per, 2),
                        round(r["total_exec_time"] / per, 3),
                        round(r["max_exec_time"], 2),
                        " ".join(r["query"].split())[:160],
                    ]
                    for r in items[:12]
                ],
            }
        return out

    def all_dbs(self) -> list[str]:
        return [*self.databases.values(), *self.extra_dbs.values(), *self.replay_dbs, *self.webhook_dbs]

    def url(self, db: str) -> str:
        return self.infra.database_url(db)

    # ---- set-up and tear-down -------------------------------------------------

    async def setup(self) -> None:
        say("fresh databases and topics")
        shutil.rmtree(LOGS, ignore_errors=True)
        await drop_databases(self.infra, self.all_dbs())
        await kafka_bench.delete_topics_with_prefix(self.infra.kafka_bootstrap, PREFIX)
        await create_databases(self.infra, self.all_dbs())
        migrations = [(s, self.url(db)) for s, db in self.databases.items()]
        migrations += [("dealreg", self.url(self.extra_dbs["monolith"]))]
        migrations += [("incentives", self.url(db)) for db in self.replay_dbs]
        migrations += [("notifications", self.url(db)) for db in self.webhook_dbs]
        await asyncio.gather(*(asyncio.to_thread(migrate, s, u) for s, u in migrations))
        # Only the stack's topics now: the replay and webhook runs make theirs when they start, so the
        # broker does not carry their partitions while the registration phases measure its CPU.
        await create_topics(self.infra, PREFIX)

    async def start_stack(self) -> None:
        say("starting the four services on 19001-19004")
        self.stack = Stack(
            infra=self.infra,
            databases=self.databases,
            log_dir=LOGS,
            topic_prefix=PREFIX,
            ports=dict(PORTS),
            extra_env={"WEBHOOK_ALLOW_PRIVATE": "1", "LOG_LEVEL": "WARNING"},
        )
        self.stack.start()
        await asyncio.to_thread(self.stack.wait_ready, 90)
        async with httpx.AsyncClient() as client:
            auth = {"Authorization": f"Bearer {self.admin}"}
            partner_url = f"http://127.0.0.1:{PORTS['dealreg']}/v1/partners/{PARTNER}"
            r = await client.put(partner_url, json=PARTNER_PROFILE, headers=auth)
            assert r.status_code in (200, 201), r.text
            r = await client.post(f"http://127.0.0.1:{PORTS['incentives']}/v1/programs", json=PROGRAM, headers=auth)
            assert r.status_code == 201, r.text

    def stack_pids(self) -> dict[str, int]:
        assert self.stack is not None
        return {n: p.process.pid for n, p in self.stack.services.items() if p.process is not None}

    def stop_stack(self) -> None:
        if self.stack is not None:
            self.stack.stop()
            self.stack = None

    async def teardown(self) -> None:
        self.stop_stack()
        await drop_databases(self.infra, self.all_dbs())
        await kafka_bench.delete_topics_with_prefix(self.infra.kafka_bootstrap, PREFIX)

    def service_env(self, service: str, db: str, prefix: str, port: int, **extra: str) -> dict[str, str]:
        """One service on its own (consumer replay, webhooks): the environment devstack's Stack gives
        each of its services (ENVIRONMENT=development, the service's own Kafka user, not the bench's admin)."""
        stack = Stack(
            infra=self.infra,
            databases={service: db},
            log_dir=LOGS,
            topic_prefix=prefix,
            ports={**PORTS, service: port},
            extra_env={"SERVICE_NAME": service, "LOG_LEVEL": "WARNING", **extra},
        )
        return stack.env_for(service)

    def service_dbs(self) -> list[str]:
        return [self.url(db) for db in self.databases.values()]

    # ---- phases ----------------------------------------------------------------

    async def kafka_roundtrip(self) -> None:
        runs = []
        for i in range(self.cfg.repeats):
            say(f"kafka round trip x{self.cfg.roundtrips} (run {i + 1})")
            samples = await kafka_bench.roundtrip(
                self.infra.kafka_bootstrap, f"{PREFIX}roundtrip{i}", self.cfg.roundtrips
            )
            self.samples.setdefault("kafka_roundtrip", []).extend(samples)
            runs.append(summary(samples))
        self.results["kafka_roundtrip"] = {
            **median_run(runs, "p99_ms"),
            "p99_ms_runs": spread([r["p99_ms"] for r in runs]),
            "p50_ms_runs": spread([r["p50_ms"] for r in runs]),
            "runs": runs,
            "generator": "python (aiokafka)",
            "note": "idempotent producer as the relays use it -> consumer getone, one message in flight",
        }

    async def commit_probe(self, n: int = 200) -> None:
        """One-row autocommit INSERTs, one at a time: what a single commit (WAL flush) costs here.
        A consumer that commits once per event cannot beat 1000 / p50 events/s."""
        import asyncpg

        conn = await asyncpg.connect(self.url(self.extra_dbs["baseline"]).replace("+asyncpg", ""))
        samples = []
        try:
            await conn.execute("CREATE TABLE IF NOT EXISTS commit_probe (id bigserial PRIMARY KEY, v text)")
            for _ in range(n):
                t0 = time.perf_counter()
                await conn.execute("INSERT INTO commit_probe (v) VALUES ('x')")
                samples.append((time.perf_counter() - t0) * 1000)
            settings = {k: await conn.fetchval(f"SHOW {k}") for k in ("synchronous_commit", "fsync", "server_version")}
        finally:
            await conn.close()
        self.samples["postgres commit"] = samples
        self.results["postgres_commit"] = summary(samples) | {"settings": settings}

    async def _wrk_level(self, name: str, url: str, pids: dict[str, int], c: int, tag: str) -> dict[str, Any]:
        """A warm-up, then one measured wrk run at concurrency c, with the CPU of `pids` and the servers."""
        if self.cfg.warmup > 0:
            await run_wrk(url, self.partner, f"w{tag}", c, self.cfg.warmup)
        with self.meter(pids) as cpu:
            result = await run_wrk(url, self.partner, tag, c, self.cfg.duration)
        result["cpu_cores"] = cpu.add_loadgen(result.get("loadgen_cores"))
        self.samples.setdefault(f"{name} c={c}", []).extend(curve(result))
        return result

    async def http(self) -> None:
        """The bare insert, the monolith and registration, each at every concurrency, with wrk; the
        three in turn, `repeats` times, so each registration/monolith ratio comes from one round."""
        await self.commit_probe()
        base_env = {**os.environ, "PORT": str(BASELINE_PORT)}
        base_env["BASELINE_DSN"] = self.url(self.extra_dbs["baseline"]).replace("+asyncpg", "")
        mono_env = {**os.environ, "PORT": str(MONOLITH_PORT)}
        mono_env["BASELINE_DSN"] = self.url(self.extra_dbs["monolith"]).replace("+asyncpg", "")
        base = start_process([sys.executable, "-m", "bench.baseline_app"], base_env, LOGS / "baseline.log")
        mono = start_process([sys.executable, "-m", "bench.baseline_monolith"], mono_env, LOGS / "monolith.log")
        apps = {
            "baseline insert": (f"http://127.0.0.1:{BASELINE_PORT}", {"baseline app": base.pid}),
            "baseline monolith": (f"http://127.0.0.1:{MONOLITH_PORT}", {"monolith app": mono.pid}),
            "registration": (f"http://127.0.0.1:{PORTS['dealreg']}", self.stack_pids()),
        }
        rounds: list[dict[str, dict[str, Any]]] = []
        try:
            await wait_http_ready(f"http://127.0.0.1:{BASELINE_PORT}/readyz", base)
            await wait_http_ready(f"http://127.0.0.1:{MONOLITH_PORT}/readyz", mono)
            for i in range(self.cfg.repeats):
                levels: dict[str, dict[str, Any]] = {name: {} for name in apps}
                for name, (url, pids) in apps.items():
                    for c in self.cfg.concurrency:
                        say(f"{name} at concurrency {c} (wrk, run {i + 1})")
                        tag = f"{name.split()[-1][:4]}{c}r{i}{self.run}"
                        levels[name][str(c)] = await self._wrk_level(name, url, pids, c, tag)
                        if name == "registration":
                            drain = await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
                            levels[name][str(c)]["backlog_drain"] = drain
                        say(f"  {levels[name][str(c)]['rps']} req/s")
                rounds.append(levels)
        finally:
            stop_process(base)
            stop_process(mono)
        best = {name: [max(r[name].values(), key=lambda s: s["rps"] or 0) for r in rounds] for name in apps}

        def figures(name: str) -> dict[str, Any]:
            runs = best[name]
            pick = median_run(runs, "rps")
            by_c = {str(c): [r[name][str(c)] for r in rounds] for c in self.cfg.concurrency}
            return {
                "rps": spread([r["rps"] for r in runs])["median"],
                "rps_runs": spread([r["rps"] for r in runs]),
                "p50_ms": pick.get("p50_ms"),
                "p99_ms": pick.get("p99_ms"),
                "at_concurrency": pick.get("concurrency"),
                "generator": "wrk",
                "by_concurrency": {
                    c: {"rps_runs": spread([x["rps"] for x in xs]), "runs": xs} for c, xs in by_c.items()
                },
            }

        self.results["baseline_insert"] = figures("baseline insert")
        self.results["baseline_monolith"] = figures("baseline monolith")
        reg = figures("registration")
        ratios_m = [
            r["rps"] / m["rps"] if m["rps"] else None
            for r, m in zip(best["registration"], best["baseline monolith"], strict=True)
        ]
        ratios_i = [
            r["rps"] / b["rps"] if b["rps"] else None
            for r, b in zip(best["registration"], best["baseline insert"], strict=True)
        ]
        reg["share_of_monolith_rps"] = spread(ratios_m)["median"]
        reg["share_of_monolith_rps_runs"] = spread(ratios_m)
        reg["share_of_baseline_rps"] = spread(ratios_i)["median"]
        reg["share_of_baseline_rps_runs"] = spread(ratios_i)
        self.results["registration"] = reg

    async def paced(self, tag: str, rate: float, duration: float) -> dict[str, Any]:
        """Open loop at `rate` registrations/s (the Python generator: wrk cannot pace)."""
        dealreg = f"http://127.0.0.1:{PORTS['dealreg']}"
        return await run_loadgen(load_spec(dealreg, self.partner, tag, 32, duration, 0, rate=rate, keyed=True))

    async def cpu_per_registration(self) -> None:
        """CPU ms per registration over every platform process, at a fixed rate well below saturation:
        from the first request until the consumers were last seen working (the drain included)."""
        await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
        say("the stack idle for 5 s (what the platform costs with no registrations)")
        with self.meter(self.stack_pids()) as idle_meter:
            await asyncio.sleep(5)
        idle_wall, idle_s = idle_meter.seconds()
        idle = {g: round(s / idle_wall, 4) for g, s in idle_s.items()}
        runs = []
        for i in range(self.cfg.repeats):
            await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
            say(f"CPU per registration: {self.cfg.cpu_rate}/s for {self.cfg.cpu_duration} s (run {i + 1})")
            pids = self.stack_pids()
            sessions_before = await sessions_opened(self.url(self.databases["dealreg"]))
            cpu = self.meter(pids).__enter__()
            raw = await self.paced(f"cpu{i}{self.run}", self.cfg.cpu_rate, self.cfg.cpu_duration)
            drain = await quiesce(self.service_dbs(), self.cfg.quiesce_timeout, meter=cpu)
            sessions_after = await sessions_opened(self.url(self.databases["dealreg"]))
            # The drain wait's own connection to each database included.
            connections = {s: sessions_after.get(d, 0) - sessions_before.get(d, 0) for s, d in self.databases.items()}
            wall, seconds = cpu.seconds(at_mark=True)
            registrations = sum(1 for r in raw["records"] if r[2] == 201)
            per = {g: round(1000 * s / registrations, 3) for g, s in seconds.items() if registrations}
            per["total"] = round(sum(per[g] for g in PLATFORM_GROUPS if g in per), 3)
            # What the same window would have cost idle, taken out: the work registrations added.
            idle_ms = sum(1000 * idle.get(g, 0) * wall for g in PLATFORM_GROUPS) / max(registrations, 1)
            per["total_above_idle"] = round(per["total"] - idle_ms, 3)
            runs.append({
                "registrations": registrations, "wall_s": round(wall, 2), "drain": drain, "ms_per_registration": per,
                "connections_opened": connections,
                "load_generator_cores": raw.get("loadgen_cores"), "registration": load_summary(raw),
            })  # fmt: skip
        if self.cfg.profile:  # an extra run, not measured: py-spy's sampling costs the sampled process CPU
            await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
            say("py-spy on every service during one more run at the same rate")
            for service, pid in self.stack_pids().items():
                label = f"{service} (registrations at {self.cfg.cpu_rate}/s)"
                await self.start_profile(label, pid, self.cfg.cpu_duration)
            statements = await self.statement_profile(reset=True)
            raw = await self.paced(f"prof{self.run}", self.cfg.cpu_rate, self.cfg.cpu_duration)
            await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
            await self.finish_profiles()
            if statements is not None:
                ok = sum(1 for r in raw["records"] if r[2] == 201)
                self.results.setdefault("profiles", {})[
                    "postgres statements per registration"
                ] = await self.statement_profile(reset=False, registrations=ok)
        groups = [
            g
            for g in (*PLATFORM_GROUPS, "total", "total_above_idle")
            if any(g in r["ms_per_registration"] for r in runs)
        ]
        table = {g: spread([r["ms_per_registration"].get(g) for r in runs]) for g in groups}
        self.results["cpu_ms_per_registration"] = {
            "total": table["total"]["median"],
            "by_process": {g: t["median"] for g, t in table.items()},
            "runs_by_process": table,
            "total_above_idle": table["total_above_idle"]["median"],
            "idle_cores": idle,
            "rate_per_s": self.cfg.cpu_rate,
            "generator": "python (bench/loadgen.py, open loop, an Idempotency-Key per request as wrk's)",
            "runs": runs,
            "note": "utime+stime from /proc of the four services, the bench's PostgreSQL (postmaster with the "
            "backends it reaped, and every live backend) and its Kafka, from the first request to the end of "
            "the consumers' drain, divided by the 201s; the load generator excluded",
        }

    async def e2e_reward(self) -> None:
        """Reward visible = its reward-earned record on incentives.v1 (written in the same
        transaction as the ledger entry, so the earnings already show it), at half the maximum
        registration rate of this run (or --e2e-rate).

        The reader also follows deals.v1, so each reward's time splits into stages: the HTTP
        response, dealreg's relay, incentives (fetch and ledger transaction), incentives' relay,
        and the last Kafka hop (record timestamps are the producers' send times, in ms)."""
        rate = self.cfg.e2e_rate
        if rate is None:
            best = (self.results.get("registration") or {}).get("rps")
            rate = round(best / 2, 1) if best else 20.0
        runs = []
        for i in range(self.cfg.repeats):
            await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
            runs.append(await self._e2e_once(i, rate))
        pick = median_run(runs, "p99_ms")
        half = [r["registration"] for r in runs]
        self.results["e2e_reward_latency"] = {
            **pick,
            "p99_ms_runs": spread([r["p99_ms"] for r in runs]),
            "p50_ms_runs": spread([r["p50_ms"] for r in runs]),
            "rate_per_s": rate,
            "generator": "python (bench/loadgen.py, open loop, an Idempotency-Key per request as wrk's)",
            "runs": [{k: v for k, v in r.items() if k != "stages"} for r in runs],
        }
        reg = self.results.setdefault("registration", {})
        reg["half_max_load"] = median_run(half, "p99_ms") | {"p99_ms_runs": spread([h["p99_ms"] for h in half])}

    async def _e2e_once(self, i: int, rate: float) -> dict[str, Any]:
        from aiokafka import AIOKafkaConsumer

        deals_topic, rewards_topic = f"{PREFIX}deals.v1", f"{PREFIX}incentives.v1"
        consumer = AIOKafkaConsumer(
            deals_topic,
            rewards_topic,
            **client_options(),
            bootstrap_servers=self.infra.kafka_bootstrap,
            group_id=f"bench-e2e-{self.run}-{i}",
            auto_offset_reset="latest",
            enable_auto_commit=False,
            fetch_max_wait_ms=50,
        )
        await consumer.start()
        seen: dict[str, float] = {}
        marks: dict[str, dict[str, float]] = {}  # deal id -> stage name -> epoch seconds
        stop = asyncio.Event()

        async def read() -> None:
            import orjson

            while not stop.is_set():
                batch = await consumer.getmany(timeout_ms=100)
                now = time.time()
                for records in batch.values():
                    for record in records:
                        event = orjson.loads(record.value or b"{}")
                        deal_id = (event.get("data") or {}).get("deal_id") or event.get("subject")
                        if not deal_id:
                            continue
                        if record.topic == deals_topic and event.get("type") == "deal-registered":
                            marks.setdefault(deal_id, {})["deals.v1 append"] = record.timestamp / 1000
                        elif event.get("type") == "reward-earned" and deal_id not in seen:
                            seen[deal_id] = now
                            stages = marks.setdefault(deal_id, {})
                            stages["reward written"] = epoch(event["time"])
                            stages["incentives.v1 append"] = record.timestamp / 1000

        try:
            await kafka_bench.wait_assigned(consumer)
            reader = asyncio.create_task(read())
            say(f"registration -> reward at {rate} req/s for {self.cfg.e2e_duration} s (run {i + 1})")
            cpu = self.meter(self.stack_pids()).__enter__()
            raw = await self.paced(f"e2e{i}{self.run}", rate, self.cfg.e2e_duration)
            sent = {r[3]: r[0] for r in raw["records"] if r[2] == 201}
            answered = {r[3]: r[0] + r[1] / 1000 for r in raw["records"] if r[2] == 201}
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and not set(sent) <= set(seen):  # noqa: ASYNC110
                await asyncio.sleep(0.2)
            stop.set()
            await reader
            cpu.result = cpu.read()
            cpu_cores = cpu.add_loadgen(raw.get("loadgen_cores"))
        finally:
            await consumer.stop()
        latencies = [(seen[d] - t) * 1000 for d, t in sent.items() if d in seen]
        self.samples.setdefault("registration -> reward", []).extend(latencies)
        self.samples.setdefault("registration half load", []).extend(r[1] for r in raw["records"] if r[2] == 201)
        registration = load_summary(raw) | {"cpu_cores": cpu_cores, "generator": "python (open loop)"}
        return {
            **summary(latencies),
            "registrations": len(sent),
            "rewards_seen": len(latencies),
            "registration": registration,
            "cpu_cores": cpu_cores,
            "stages": reward_stages(sent, answered, marks, seen),
        }

    async def dealreg_batch(self) -> None:
        """An aggregator's 500-item POST /v1/deals/batch (issue 3), once the consumers are idle."""
        from bench import batch_registration

        say("dealreg batch: 5 x 500 items")
        await quiesce(self.service_dbs(), self.cfg.quiesce_timeout)
        self.results["dealreg_batch"] = await batch_registration.measure(f"http://127.0.0.1:{PORTS['dealreg']}", 5, 500)
        self.results["dealreg_batch"]["generator"] = "python (httpx, one batch at a time)"

    async def consumer_replay(self) -> None:
        runs = [await self._replay_once(i) for i in range(self.cfg.repeats)]
        pick = median_run(runs, "events_per_s")
        self.results["consumer"] = {
            **pick,
            "events_per_s": spread([r["events_per_s"] for r in runs])["median"],
            "events_per_s_runs": spread([r["events_per_s"] for r in runs]),
            "generator": "events pre-produced to Kafka (python)",
            "runs": runs,
        }
        topic = f"{PREFIX}replay0.deals.v1"
        say("raw aiokafka consume-only baseline")
        self.results["consumer_baseline"] = await kafka_bench.consume_all(
            self.infra.kafka_bootstrap, topic, self.cfg.events
        )

    async def _replay_once(self, i: int) -> dict[str, Any]:
        n = self.cfg.events
        prefix = f"{PREFIX}replay{i}."
        db = self.replay_dbs[i]
        env = self.service_env("incentives", db, prefix, REPLAY_PORT)
        log = LOGS / f"replay-incentives{i}.log"
        await create_topics(self.infra, prefix)
        # A program first (through the API), so each event really earns a reward.
        proc = start_process([sys.executable, "-m", "incentives", "serve"], env, log)
        try:
            await wait_http_ready(f"http://127.0.0.1:{REPLAY_PORT}/readyz", proc)
            async with httpx.AsyncClient() as client:
                r = await client.post(
                    f"http://127.0.0.1:{REPLAY_PORT}/v1/programs",
                    json=PROGRAM,
                    headers={"Authorization": f"Bearer {self.admin}"},
                )
                assert r.status_code == 201, r.text
        finally:
            stop_process(proc)
        topic = f"{prefix}deals.v1"
        say(f"pre-producing {n} deal-registered events (run {i + 1})")
        produce_s = await kafka_bench.produce_events(self.infra.kafka_bootstrap, topic, n)
        say("one incentives process replays them")
        url = self.url(db)
        t0 = time.monotonic()
        proc = start_process([sys.executable, "-m", "incentives", "serve"], env, log)
        done = 0
        cpu = self.meter({"incentives": proc.pid}).__enter__()
        try:
            while time.monotonic() - t0 < self.cfg.phase_timeout:
                done = await count(url, "SELECT count(*) FROM processed_events")
                if done >= n:
                    break
                if proc.poll() is not None:
                    raise RuntimeError(f"incentives exited; see {log}")
                await asyncio.sleep(0.25)
            wall = time.monotonic() - t0
            span = await count(url, SPAN_MS)
            rewards = await count(url, "SELECT count(*) FROM outbox")
            cpu_cores = cpu.read()
        finally:
            stop_process(proc)
        seconds = span / 1000
        result = {
            "events": n,
            "processed": done,
            "events_per_s": round((done - 1) / seconds, 1) if seconds > 0 and done > 1 else None,
            "seconds_first_to_last": round(seconds, 2),
            "wall_s_incl_start": round(wall, 2),
            "events_per_s_incl_start": round(done / wall, 1) if wall > 0 else None,
            "reward_events_written": rewards,
            "produce_s": round(produce_s, 2),
            "cpu_cores": cpu_cores,
        }
        say(f"  {result['events_per_s']} events/s")
        return result

    async def webhooks(self) -> None:
        runs = [await self._webhooks_once(i) for i in range(self.cfg.repeats)]
        pick = median_run(runs, "deliveries_per_s")
        self.results["webhooks"] = {
            **pick,
            "deliveries_per_s": spread([r.get("deliveries_per_s") for r in runs])["median"],
            "deliveries_per_s_runs": spread([r.get("deliveries_per_s") for r in runs]),
            "generator": "events pre-produced to Kafka (python); receiver: bench/receiver.py",
            "runs": runs,
        }

    async def _webhooks_once(self, i: int) -> dict[str, Any]:
        prefix = f"{PREFIX}webhooks{i}."
        db = self.webhook_dbs[i]
        env = self.service_env("notifications", db, prefix, WEBHOOK_PORT, WEBHOOK_ALLOW_PRIVATE="1")
        await create_topics(self.infra, prefix)
        receiver = Receiver(RECEIVER_PORT).start()
        log = LOGS / f"webhooks-notifications{i}.log"
        proc = start_process([sys.executable, "-m", "notifications", "serve"], env, log)
        try:
            await wait_http_ready(f"http://127.0.0.1:{WEBHOOK_PORT}/readyz", proc)
            async with httpx.AsyncClient() as client:
                for k in range(self.cfg.webhook_subscriptions):
                    r = await client.post(
                        f"http://127.0.0.1:{WEBHOOK_PORT}/v1/subscriptions",
                        json={"url": f"{receiver.url}/hook/{k}", "event_types": ["deal-registered"]},
                        headers={"Authorization": f"Bearer {self.admin}"},
                    )
                    assert r.status_code == 201, r.text
            n = self.cfg.webhook_events
            expected = n * self.cfg.webhook_subscriptions
            say(f"webhooks: {n} events x {self.cfg.webhook_subscriptions} subscriptions (run {i + 1})")
            t0 = time.time()
            cpu = self.meter({"notifications": proc.pid}).__enter__()
            await kafka_bench.produce_events(self.infra.kafka_bootstrap, f"{prefix}deals.v1", n)
            deadline = time.monotonic() + self.cfg.phase_timeout
            while time.monotonic() < deadline and len(receiver.arrivals) < expected:
                if proc.poll() is not None:
                    raise RuntimeError("notifications exited during the webhook bench")
                await asyncio.sleep(0.25)
            arrivals = sorted(receiver.arrivals)
            cpu_cores = cpu.read()
        finally:
            stop_process(proc)
            receiver.stop()
        span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0
        result = {
            "deliveries_per_s": round((len(arrivals) - 1) / span, 1) if span > 0 else None,
            "deliveries": len(arrivals),
            "expected": expected,
            "seconds_first_to_last": round(span, 2),
            "wall_s_from_produce": round(arrivals[-1] - t0, 2) if arrivals else None,
            "subscriptions": self.cfg.webhook_subscriptions,
            "cpu_cores": cpu_cores,
            "note": "notifications consumes deal-registered, fans out to every admin subscription, POSTs signed",
        }
        say(f"  {result['deliveries_per_s']} deliveries/s")
        return result


async def main_async(cfg: Config) -> dict[str, Any]:
    servers = None if cfg.shared_infra else BenchServers(statements=cfg.profile)
    # A developer's stack, as devstack's Stack.env_for makes it: the development token secret and webhook
    # key. The migrations (devstack.infra.migrate) inherit this environment; notifications' needs the key.
    os.environ.setdefault("ENVIRONMENT", "development")
    if servers is not None:
        infra = await asyncio.to_thread(servers.start)
        os.environ["DATABASE_URL"] = infra.server_url
        os.environ["KAFKA_BOOTSTRAP_SERVERS"] = infra.kafka_bootstrap
        processes: InfraProcesses = servers.processes
    else:
        infra = ensure_infra()
        processes = shared_infra_processes
    # The bench's own clients (round trip, topics, producers, consumers): admin. Each service process
    # gets its own user instead (Stack.env_for, service_env).
    os.environ.update(infra.kafka_env("admin"))
    bench = Bench(cfg, infra, processes)
    bench.results["infra"] = "shared servers (CPU includes other users')" if servers is None else (
        f"the bench's own PostgreSQL (:{BENCH_PG_PORT}) and Kafka (:{BENCH_KAFKA_PORT})"
    )  # fmt: skip
    t0 = time.monotonic()
    try:
        await bench.setup()
        await bench.start_stack()
        for phase in ("kafka_roundtrip", "http", "cpu_per_registration", "e2e_reward", "dealreg_batch"):
            if phase in cfg.phases:
                await getattr(bench, phase)()
        bench.stop_stack()
        for phase in ("consumer_replay", "webhooks"):
            if phase in cfg.phases:
                await getattr(bench, phase)()
        # Before the tear-down: a failure there must not lose the figures.
        bench.results["total_s"] = round(time.monotonic() - t0, 1)
        write_report(bench.results, bench.samples, cfg.out)
    finally:
        say("tearing down")
        try:
            await bench.teardown()
        except Exception as exc:  # e.g. DROP DATABASE meeting an autovacuum worker
            say(f"tear-down incomplete ({type(exc).__name__}: {exc}); `python -m bench` drops them next time")
        finally:
            if servers is not None:
                await asyncio.to_thread(servers.stop)
    return bench.results


def main() -> None:
    cfg = parse_config(sys.argv[1:])
    import uvloop

    uvloop.run(main_async(cfg))
    say(f"wrote {cfg.out / 'latest.json'} and {cfg.out / 'latest.md'}")


if __name__ == "__main__":
    main()
