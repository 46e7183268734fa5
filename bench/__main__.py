"""`python -m bench` (make bench): the platform against the limits of this machine, in one run.

Starts an isolated stack (databases bench_*, topic prefix "bench.", ports 19001-19004),
measures each figure of issue 11, tears everything down, and writes
bench/results/latest.json and latest.md (with PNG plots).
Sizes: BENCH_DURATION, BENCH_EVENTS, ... or the flags below (`python -m bench --help`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
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
    count,
    load_summary,
    quiesce,
    run_loadgen,
    start_process,
    stop_process,
    wait_http_ready,
)
from bench.stats import epoch, reward_stages, summary
from devstack.infra import SERVICES, Infra, create_databases, create_topics, drop_databases, ensure_infra, migrate
from devstack.processes import Stack
from devstack.tokens import dev_token
from events.kafka import client_options
from support import scenario

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LOGS = ROOT / ".cache" / "logs" / "bench"
PREFIX = "bench."
PHASES = ("kafka_roundtrip", "baseline", "e2e_reward", "registration", "dealreg_batch", "consumer_replay", "webhooks")
PORTS = {"dealreg": 19001, "incentives": 19002, "pipeline": 19003, "notifications": 19004}
BASELINE_PORT, REPLAY_PORT, WEBHOOK_PORT, RECEIVER_PORT = 19005, 19006, 19007, 19008
PARTNER = "p-bench"
SPAN_MS = "SELECT (extract(epoch FROM max(processed_at) - min(processed_at)) * 1000)::bigint FROM processed_events"
PROGRAM = {**scenario.PROGRAM, "name": "Bench program"}
PARTNER_PROFILE = {**scenario.partner_profile("acme", tier=2), "name": "Bench Partner"}


@dataclass(frozen=True)
class Config:
    duration: float
    warmup: float
    concurrency: tuple[int, ...]
    e2e_rate: float
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


def parse_config(argv: list[str]) -> Config:
    env = os.environ.get
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    p.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", "15")), help="s per load level")
    p.add_argument("--warmup", type=float, default=float(env("BENCH_WARMUP", "3")), help="s before measuring")
    p.add_argument("--concurrency", default=env("BENCH_CONCURRENCY", "16,64"), help="comma-separated levels")
    p.add_argument("--e2e-rate", type=float, default=float(env("BENCH_E2E_RATE", "20")), help="registrations/s")
    p.add_argument("--e2e-duration", type=float, default=float(env("BENCH_E2E_DURATION", "0")) or None)
    p.add_argument("--events", type=int, default=int(env("BENCH_EVENTS", "2000")), help="consumer replay size")
    p.add_argument("--roundtrips", type=int, default=int(env("BENCH_ROUNDTRIPS", "300")))
    p.add_argument("--webhook-events", type=int, default=int(env("BENCH_WEBHOOK_EVENTS", "300")))
    p.add_argument("--webhook-subscriptions", type=int, default=int(env("BENCH_WEBHOOK_SUBSCRIPTIONS", "4")))
    p.add_argument("--phase-timeout", type=float, default=float(env("BENCH_PHASE_TIMEOUT", "90")), help="s cap")
    p.add_argument(
        "--profile",
        action="store_true",
        default=env("BENCH_PROFILE", "") == "1",
        help="py-spy dealreg (registration, first level) and incentives (replay)",
    )
    p.add_argument("--out", type=Path, default=Path(env("BENCH_OUT", str(RESULTS))), help="results directory")
    p.add_argument(
        "--phases",
        default=env("BENCH_PHASES", ",".join(PHASES)),
        help=f"comma-separated subset of {','.join(PHASES)} (to iterate on one figure)",
    )
    p.add_argument("--quiesce-timeout", type=float, default=float(env("BENCH_QUIESCE_TIMEOUT", "60")))
    a = p.parse_args(argv)
    return Config(
        duration=a.duration,
        warmup=a.warmup,
        concurrency=tuple(int(c) for c in a.concurrency.split(",") if c.strip()),
        e2e_rate=a.e2e_rate,
        e2e_duration=a.e2e_duration or a.duration,
        events=a.events,
        roundtrips=a.roundtrips,
        webhook_events=a.webhook_events,
        webhook_subscriptions=a.webhook_subscriptions,
        quiesce_timeout=a.quiesce_timeout,
        phase_timeout=a.phase_timeout,
        profile=a.profile,
        out=a.out,
        phases=tuple(x.strip() for x in a.phases.split(",") if x.strip() in PHASES),
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


class Bench:
    def __init__(self, cfg: Config, infra: Infra) -> None:
        self.cfg = cfg
        self.infra = infra
        self.run = uuid.uuid4().hex[:6]
        self.databases = {s: f"bench_{s}" for s in SERVICES}
        self.extra_dbs = {
            "baseline": "bench_baseline",
            "replay": "bench_replay_incentives",
            "webhooks": "bench_webhooks_notifications",
        }
        self.admin = dev_token("admin", sub="bench-admin")
        self.partner = dev_token("partner", sub="rep-bench", partner_id=PARTNER)
        self.stack: Stack | None = None
        config = cfg.__dict__ | {"concurrency": list(cfg.concurrency), "out": str(cfg.out)}
        self.results: dict[str, Any] = {"machine": machine_info(), "config": config}
        self.samples: dict[str, list[float]] = {}
        self.profiles: list[tuple[str, asyncio.subprocess.Process, Path]] = []

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

    def all_dbs(self) -> list[str]:
        return [*self.databases.values(), *self.extra_dbs.values()]

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
        migrations += [("incentives", self.url(self.extra_dbs["replay"]))]
        migrations += [("notifications", self.url(self.extra_dbs["webhooks"]))]
        await asyncio.gather(*(asyncio.to_thread(migrate, s, u) for s, u in migrations))
        for prefix in (PREFIX, f"{PREFIX}replay.", f"{PREFIX}webhooks."):
            await create_topics(self.infra, prefix)

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

    # ---- phases ----------------------------------------------------------------

    async def kafka_roundtrip(self) -> None:
        say(f"kafka round trip x{self.cfg.roundtrips}")
        samples = await kafka_bench.roundtrip(self.infra.kafka_bootstrap, f"{PREFIX}roundtrip", self.cfg.roundtrips)
        self.samples["kafka_roundtrip"] = samples
        self.results["kafka_roundtrip"] = {
            **summary(samples),
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

    async def baseline(self) -> None:
        await self.commit_probe()
        baseline_dsn = self.url(self.extra_dbs["baseline"]).replace("+asyncpg", "")
        env = {**os.environ, "BASELINE_DSN": baseline_dsn, "PORT": str(BASELINE_PORT)}
        proc = start_process([sys.executable, "-m", "bench.baseline_app"], env, LOGS / "baseline.log")
        try:
            await wait_http_ready(f"http://127.0.0.1:{BASELINE_PORT}/readyz", proc)
            levels = {}
            for c in self.cfg.concurrency:
                say(f"baseline insert at concurrency {c}")
                with CpuMeter({"baseline app": proc.pid}) as cpu:
                    raw = await run_loadgen(
                        load_spec(
                            f"http://127.0.0.1:{BASELINE_PORT}",
                            self.partner,
                            f"base{c}{self.run}",
                            c,
                            self.cfg.duration,
                            self.cfg.warmup,
                        )
                    )
                levels[str(c)] = load_summary(raw) | {"cpu_cores": cpu.add_loadgen(raw.get("loadgen_cores"))}
                self.samples[f"baseline c={c}"] = [r[1] for r in raw["records"] if r[2] == 201]
        finally:
            stop_process(proc)
        best = max(levels.values(), key=lambda s: s["rps"] or 0)
        self.results["baseline_insert"] = {
            "rps": best["rps"],
            "p50_ms": best["p50_ms"],
            "p99_ms": best["p99_ms"],
            "at_concurrency": best["concurrency"],
            "by_concurrency": levels,
        }

    async def registration(self) -> None:
        dealreg = f"http://127.0.0.1:{PORTS['dealreg']}"
        service_dbs = [self.url(db) for db in self.databases.values()]
        levels: dict[str, Any] = {}
        for i, c in enumerate(self.cfg.concurrency):
            say(f"registration at concurrency {c}")
            if i == 0:
                label = f"dealreg (registration c={c})"
                await self.start_profile(label, self.stack_pids()["dealreg"], self.cfg.warmup + self.cfg.duration)
            with CpuMeter(self.stack_pids()) as cpu:
                raw = await run_loadgen(
                    load_spec(dealreg, self.partner, f"reg{c}{self.run}", c, self.cfg.duration, self.cfg.warmup)
                )
            levels[str(c)] = load_summary(raw) | {"cpu_cores": cpu.add_loadgen(raw.get("loadgen_cores"))}
            self.samples[f"registration c={c}"] = [r[1] for r in raw["records"] if r[2] == 201]
            say(f"  {levels[str(c)]['rps']} req/s; waiting for the consumers to drain")
            levels[str(c)]["backlog_drain"] = await quiesce(service_dbs, self.cfg.quiesce_timeout)
            await self.finish_profiles()
        best = max(levels.values(), key=lambda s: s["rps"] or 0)
        half_rate = round((best["rps"] or 0) / 2, 1)
        half: dict[str, Any] | None = None
        if half_rate > 0:
            c = max(self.cfg.concurrency)
            say(f"registration at half the maximum load: {half_rate} req/s open loop")
            with CpuMeter(self.stack_pids()) as cpu:
                raw = await run_loadgen(
                    load_spec(dealreg, self.partner, f"half{self.run}", c, self.cfg.duration, 0, rate=half_rate)
                )
            half = load_summary(raw) | {"cpu_cores": cpu.add_loadgen(raw.get("loadgen_cores"))}
            self.samples["registration half load"] = [r[1] for r in raw["records"] if r[2] == 201]
            half["backlog_drain"] = await quiesce(service_dbs, self.cfg.quiesce_timeout)
        base = self.results.get("baseline_insert", {}).get("rps")
        self.results["registration"] = {
            "rps": best["rps"],
            "p50_ms": best["p50_ms"],
            "p99_ms": best["p99_ms"],
            "at_concurrency": best["concurrency"],
            "by_concurrency": levels,
            "half_max_load": half,
            "share_of_baseline_rps": round(best["rps"] / base, 3) if base and best["rps"] else None,
        }

    async def e2e_reward(self) -> None:
        """Reward visible = its reward-earned record on incentives.v1 (written in the same
        transaction as the ledger entry, so the earnings already show it).

        The reader also follows deals.v1, so each reward's time splits into stages: the HTTP
        response, dealreg's relay, incentives (fetch and ledger transaction), incentives' relay,
        and the last Kafka hop (record timestamps are the producers' send times, in ms)."""
        from aiokafka import AIOKafkaConsumer

        deals_topic, rewards_topic = f"{PREFIX}deals.v1", f"{PREFIX}incentives.v1"
        consumer = AIOKafkaConsumer(
            deals_topic,
            rewards_topic,
            **client_options(),
            bootstrap_servers=self.infra.kafka_bootstrap,
            group_id=f"bench-e2e-{self.run}",
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
            say(f"registration -> reward at {self.cfg.e2e_rate} req/s for {self.cfg.e2e_duration} s")
            cpu = CpuMeter(self.stack_pids()).__enter__()
            raw = await run_loadgen(
                load_spec(
                    f"http://127.0.0.1:{PORTS['dealreg']}",
                    self.partner,
                    f"e2e{self.run}",
                    8,
                    self.cfg.e2e_duration,
                    0,
                    rate=self.cfg.e2e_rate,
                )
            )
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
        self.samples["registration -> reward"] = latencies
        self.results["e2e_reward_latency"] = {
            **summary(latencies),
            "registrations": len(sent),
            "rewards_seen": len(latencies),
            "rate_per_s": self.cfg.e2e_rate,
            "registration": load_summary(raw),
            "cpu_cores": cpu_cores,
            "stages": reward_stages(sent, answered, marks, seen),
        }

    async def dealreg_batch(self) -> None:
        """An aggregator's 500-item POST /v1/deals/batch (issue 3), once the consumers are idle."""
        from bench import batch_registration

        say("dealreg batch: 5 x 500 items")
        await quiesce([self.url(db) for db in self.databases.values()], self.cfg.quiesce_timeout)
        self.results["dealreg_batch"] = await batch_registration.measure(f"http://127.0.0.1:{PORTS['dealreg']}", 5, 500)

    async def consumer_replay(self) -> None:
        n = self.cfg.events
        prefix = f"{PREFIX}replay."
        db = self.extra_dbs["replay"]
        env = self.service_env("incentives", db, prefix, REPLAY_PORT)
        log = LOGS / "replay-incentives.log"
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
        say(f"pre-producing {n} deal-registered events")
        produce_s = await kafka_bench.produce_events(self.infra.kafka_bootstrap, topic, n)
        say("one incentives process replays them")
        url = self.url(db)
        t0 = time.monotonic()
        proc = start_process([sys.executable, "-m", "incentives", "serve"], env, log)
        done = 0
        cpu = CpuMeter({"incentives": proc.pid}).__enter__()
        await self.start_profile("incentives (consumer replay)", proc.pid, min(30.0, self.cfg.phase_timeout))
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
            await self.finish_profiles()
        finally:
            stop_process(proc)
        seconds = span / 1000
        self.results["consumer"] = {
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
        say(f"  {self.results['consumer']['events_per_s']} events/s; raw aiokafka consume-only baseline")
        self.results["consumer_baseline"] = await kafka_bench.consume_all(self.infra.kafka_bootstrap, topic, n)

    async def webhooks(self) -> None:
        prefix = f"{PREFIX}webhooks."
        db = self.extra_dbs["webhooks"]
        env = self.service_env("notifications", db, prefix, WEBHOOK_PORT, WEBHOOK_ALLOW_PRIVATE="1")
        routes_ok = False
        receiver = Receiver(RECEIVER_PORT).start()
        proc = start_process([sys.executable, "-m", "notifications", "serve"], env, LOGS / "webhooks-notifications.log")
        try:
            await wait_http_ready(f"http://127.0.0.1:{WEBHOOK_PORT}/readyz", proc)
            async with httpx.AsyncClient() as client:
                openapi = (await client.get(f"http://127.0.0.1:{WEBHOOK_PORT}/openapi.json")).json()
                routes_ok = "post" in openapi.get("paths", {}).get("/v1/subscriptions", {})
                if not routes_ok:
                    self.results["webhooks"] = {"deliveries_per_s": None, "reason": "no POST /v1/subscriptions"}
                    return
                for i in range(self.cfg.webhook_subscriptions):
                    r = await client.post(
                        f"http://127.0.0.1:{WEBHOOK_PORT}/v1/subscriptions",
                        json={"url": f"{receiver.url}/hook/{i}", "event_types": ["deal-registered"]},
                        headers={"Authorization": f"Bearer {self.admin}"},
                    )
                    assert r.status_code == 201, r.text
            n = self.cfg.webhook_events
            expected = n * self.cfg.webhook_subscriptions
            say(f"webhooks: {n} events x {self.cfg.webhook_subscriptions} subscriptions")
            t0 = time.time()
            cpu = CpuMeter({"notifications": proc.pid}).__enter__()
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
        self.results["webhooks"] = {
            "deliveries_per_s": round((len(arrivals) - 1) / span, 1) if span > 0 else None,
            "deliveries": len(arrivals),
            "expected": expected,
            "seconds_first_to_last": round(span, 2),
            "wall_s_from_produce": round(arrivals[-1] - t0, 2) if arrivals else None,
            "subscriptions": self.cfg.webhook_subscriptions,
            "cpu_cores": cpu_cores,
            "note": "notifications consumes deal-registered, fans out to every admin subscription, POSTs signed",
        }


async def main_async(cfg: Config) -> dict[str, Any]:
    infra = ensure_infra()
    # A developer's stack, as devstack's Stack.env_for makes it: the development token secret and webhook
    # key. The migrations (devstack.infra.migrate) inherit this environment; notifications' needs the key.
    os.environ.setdefault("ENVIRONMENT", "development")
    # The bench's own clients (round trip, topics, producers, consumers): admin. Each service process
    # gets its own user instead (Stack.env_for, service_env).
    os.environ.update(infra.kafka_env("admin"))
    bench = Bench(cfg, infra)
    t0 = time.monotonic()
    try:
        await bench.setup()
        await bench.start_stack()
        for phase in ("kafka_roundtrip", "baseline", "e2e_reward", "registration", "dealreg_batch"):
            if phase in cfg.phases:
                await getattr(bench, phase)()
        bench.stop_stack()
        for phase in ("consumer_replay", "webhooks"):
            if phase in cfg.phases:
                await getattr(bench, phase)()
    finally:
        say("tearing down")
        await bench.teardown()
    bench.results["total_s"] = round(time.monotonic() - t0, 1)
    write_report(bench.results, bench.samples, cfg.out)
    return bench.results


def main() -> None:
    cfg = parse_config(sys.argv[1:])
    import uvloop

    uvloop.run(main_async(cfg))
    say(f"wrote {cfg.out / 'latest.json'} and {cfg.out / 'latest.md'}")


if __name__ == "__main__":
    main()
