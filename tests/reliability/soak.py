"""The soak: many registrations from a client that retries every failure with the same
Idempotency-Key, while every service is SIGKILLed (dealreg several times, requests in flight),
Kafka is restarted and PostgreSQL is restarted. Then it checks and prints what a user relies on:

- every client request holds its 201 and a deal id that matches exactly one deal;
- no event lost (each deal's deal-registered and deal-approved on deals.v1);
- no reward paid twice (one registration reward per deal), none missing;
- every subscription's webhook deliveries per deal, in order (judged);
- counts, durations, and the worst time a retried request took to get its 201.

`make soak` (COUNT=10000 by default) runs it on a private PostgreSQL and Kafka (55433, 19093)
and the four services on 28001-28004, as tests/reliability does; a short version runs in
tests/reliability/test_soak.py. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

if __name__ == "__main__":  # run as a script: the suite's helpers and tests/support are importable
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]

from rel_infra import KAFKA_PORT, PG_PORT, PrivateInfra, drop_run_databases, kill_and_await_restart, private_stack
from scene import ledger_entries, registration_rewards

from devstack.infra import Infra
from devstack.processes import Stack
from devstack.tokens import dev_token
from support.kafka import read_topic
from support.receivers import WebhookReceiver
from support.stacks import running

EVENT_TYPES = ("deal-registered", "deal-approved")


def _bearer(role: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, **claims)}"}


@dataclass
class Plan:
    """What the soak does: how many registrations, and which faults while they run."""

    count: int = 10_000
    concurrency: int = 16
    dealreg_kills: int = 4
    kill_others: bool = True  # incentives, pipeline and notifications once each
    kafka_restarts: int = 1
    postgres_restarts: int = 1
    request_deadline_s: float = 600.0
    settle_timeout_s: float = 600.0

    def faults(self) -> list[tuple[float, str]]:
        """(fraction of registrations done, fault), in order."""
        out = [((i + 1) / (self.dealreg_kills + 1), "SIGKILL dealreg") for i in range(self.dealreg_kills)]
        if self.kill_others:
            out += [(0.2, "SIGKILL incentives"), (0.4, "SIGKILL pipeline"), (0.6, "SIGKILL notifications")]
        out += [(0.55 + 0.1 * i, "restart Kafka") for i in range(self.kafka_restarts)]
        out += [(0.75 + 0.05 * i, "restart PostgreSQL") for i in range(self.postgres_restarts)]
        return sorted(out)


@dataclass
class Request:
    key: str
    body: dict[str, Any]
    first_try: float = 0.0
    done_at: float = 0.0
    attempts: int = 0
    status: int | None = None
    deal_id: str | None = None
    failures: list[str] = field(default_factory=list)

    @property
    def took(self) -> float:
        return self.done_at - self.first_try


class Client:
    """Retries every failure (connection error, 5xx, 409 in flight, 429) with the same key."""

    def __init__(self, http: httpx.AsyncClient, url: str, headers: dict[str, str], deadline_s: float) -> None:
        self.http, self.url, self.headers, self.deadline_s = http, url, headers, deadline_s

    async def register(self, req: Request) -> None:
        req.first_try = time.monotonic()
        delay = 0.1
        while time.monotonic() - req.first_try < self.deadline_s:
            req.attempts += 1
            try:
                r = await self.http.post(
                    f"{self.url}/v1/deals", json=req.body, headers={**self.headers, "Idempotency-Key": req.key}
                )
            except httpx.HTTPError as exc:
                req.failures.append(type(exc).__name__)
            else:
                if r.status_code == 201:
                    req.status, req.deal_id, req.done_at = 201, r.json()["id"], time.monotonic()
                    return
                if r.status_code < 500 and r.status_code not in (409, 429):
                    req.status, req.done_at = r.status_code, time.monotonic()
                    req.failures.append(f"{r.status_code} {r.text[:200]}")
                    return
                if r.status_code == 409 and "Idempotency-Key" not in r.text:  # refused, not "in flight"
                    req.status, req.done_at = 409, time.monotonic()
                    req.failures.append(f"409 {r.text[:200]}")
                    return
                req.failures.append(str(r.status_code))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        req.done_at = time.monotonic()


@dataclass
class Report:
    figures: dict[str, Any] = field(default_factory=dict)

    def __setitem__(self, key: str, value: Any) -> None:
        self.figures[key] = value

    def __getitem__(self, key: str) -> Any:
        return self.figures[key]

    def print(self) -> None:
        print("\nsoak report:", flush=True)
        for key, value in self.figures.items():
            print(f"  {key}: {value}", flush=True)


class Soak:
    def __init__(self, stack: Stack, servers: PrivateInfra, plan: Plan) -> None:
        self.stack, self.servers, self.plan = stack, servers, plan
        self.vendor = f"soak-{uuid.uuid4().hex[:6]}"
        self.partners = [f"p-{self.vendor}-{i}" for i in range(8)]
        self.admin = _bearer("admin", sub="soak-admin")
        self.report = Report()
        self.done = 0
        self.started = 0.0
        self.timeline: list[str] = []

    def _url(self, name: str) -> str:
        return self.stack.services[name].url

    def _note(self, text: str) -> None:
        line = f"{time.monotonic() - self.started:7.1f} s  {text}"
        self.timeline.append(line)
        print(f"soak: {line}", flush=True)

    async def _setup(self, http: httpx.AsyncClient, hook: WebhookReceiver) -> None:
        for p in self.partners:
            body = {"name": f"Soak {p}", "tier": 2, "region": "NA", "vendor_ids": [self.vendor]}
            r = await http.put(f"{self._url('dealreg')}/v1/partners/{p}", json=body, headers=self.admin)
            assert r.status_code in (200, 201), r.text
        r = await http.put(  # tier 2 approved at once: each deal has two events whose order matters
            f"{self._url('dealreg')}/v1/vendors/{self.vendor}/approval-policy",
            json={"auto_approve_tiers": [2], "auto_approve_max_amount": "1000000.00"},
            headers=self.admin,
        )
        assert r.status_code in (200, 201), r.text
        program = {
            "vendor_id": self.vendor, "name": "Soak program", "currency": "USD", "starts_on": "2026-01-01",
            "ends_on": "2030-12-31", "registration_reward_pct": "25", "pay_registration_on": "registered",
        }  # fmt: skip
        r = await http.post(f"{self._url('incentives')}/v1/programs", json=program, headers=self.admin)
        assert r.status_code == 201, r.text
        r = await http.post(
            f"{self._url('notifications')}/v1/subscriptions",
            json={"url": hook.url, "event_types": list(EVENT_TYPES)},
            headers=_bearer("vendor", sub="soak-vendor", vendor_id=self.vendor),
        )
        assert r.status_code == 201, r.text

    def _requests(self) -> list[Request]:
        return [
            Request(
                key=f"soak-{uuid.uuid4()}",
                body={
                    "vendor_id": self.vendor,
                    "partner_id": self.partners[i % len(self.partners)],
                    "customer": {"name": f"Soak Customer {i}", "domain": f"soak-{i}.example", "country": "US"},
                    "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
                    "currency": "USD",
                    "margin_pct": "25",
                    "expected_close_date": "2030-02-15",
                },
            )
            for i in range(self.plan.count)
        ]

    async def _load(self, http: httpx.AsyncClient, requests: list[Request]) -> None:
        client = Client(http, self._url("dealreg"), self.admin, self.plan.request_deadline_s)
        queue: asyncio.Queue[Request] = asyncio.Queue()
        for req in requests:
            queue.put_nowait(req)

        async def worker() -> None:
            while not queue.empty():
                req = queue.get_nowait()
                await client.register(req)
                self.done += 1

        await asyncio.gather(*(worker() for _ in range(self.plan.concurrency)))

    async def _kill(self, name: str) -> None:
        killed = time.monotonic()
        await kill_and_await_restart(self.stack, name)
        await asyncio.to_thread(self.stack.wait_ready, 120)
        self._note(f"{name} back (restarted by the supervisor) after {time.monotonic() - killed:.1f} s")

    async def _restart(self, switch: Callable[[str], None], label: str) -> None:
        began = time.monotonic()
        await asyncio.to_thread(switch, "stop")
        await asyncio.sleep(3)
        await asyncio.to_thread(switch, "start")
        await asyncio.to_thread(self.stack.wait_ready, 180)
        self._note(f"{label} back after {time.monotonic() - began:.1f} s")

    async def _faults(self) -> None:
        for at, fault in self.plan.faults():
            while self.done < at * self.plan.count:
                await asyncio.sleep(0.05)
            self._note(f"{fault} ({self.done} registrations answered)")
            if fault.startswith("SIGKILL "):
                await self._kill(fault.removeprefix("SIGKILL "))
            elif fault == "restart Kafka":
                await self._restart(self.servers.kafka, "Kafka")
            else:
                await self._restart(self.servers.postgres, "PostgreSQL")

    async def run(self) -> Report:
        hook = WebhookReceiver().start()
        supervisor = asyncio.create_task(self.stack.supervise())
        requests = self._requests()
        try:
            async with httpx.AsyncClient(timeout=30) as http:
                await self._setup(http, hook)
                self.started = time.monotonic()
                faults = asyncio.create_task(self._faults())
                await self._load(http, requests)
                load_s = time.monotonic() - self.started
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(300):
                        await faults  # a fault due at 100 % starts after the last answer
                faults.cancel()
                await self._check_requests(requests, load_s)
                deal_ids = {r.deal_id for r in requests if r.deal_id}
                settle = time.monotonic()
                await self._check_deals(deal_ids)
                await self._check_events(deal_ids)
                await self._check_rewards(http, deal_ids)
                await self._check_webhooks(hook, deal_ids)
                self.report["settling after the load (s)"] = round(time.monotonic() - settle, 1)
                self.report["supervisor restarts"] = {n: p.restarts for n, p in self.stack.services.items()}
                self.report["faults"] = self.timeline
        finally:
            supervisor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await supervisor
            hook.stop()
        return self.report

    async def _check_requests(self, requests: list[Request], load_s: float) -> None:
        rep = self.report
        rep["registrations"] = len(requests)
        rep["load duration (s)"] = round(load_s, 1)
        rep["throughput (registrations/s)"] = round(len(requests) / load_s, 1)
        rep["answered 201"] = sum(r.status == 201 for r in requests)
        rep["not 201"] = [(r.key, r.status, r.failures[-3:]) for r in requests if r.status != 201][:20]
        retried = [r for r in requests if r.attempts > 1 and r.status == 201]
        rep["retried requests"] = len(retried)
        rep["attempts in all"] = sum(r.attempts for r in requests)
        rep["failures seen by the client"] = dict(Counter(f.split(" ")[0] for r in requests for f in r.failures))
        took = sorted(r.took for r in requests if r.status == 201)
        if took:
            rep["time to 201, median / p99 / max (s)"] = (
                round(statistics.median(took), 3), round(took[int(0.99 * (len(took) - 1))], 3), round(took[-1], 3)
            )  # fmt: skip
        rep["worst time for a retried request to get its 201 (s)"] = round(max((r.took for r in retried), default=0), 2)
        ids = [r.deal_id for r in requests if r.deal_id]
        rep["distinct deal ids among the answers"] = len(set(ids))

    async def _check_deals(self, deal_ids: set[str]) -> None:
        con = await asyncpg.connect(self.stack.infra.database_url(self.stack.databases["dealreg"]).replace(
            "postgresql+asyncpg://", "postgresql://"))  # fmt: skip
        try:
            rows = await con.fetch("SELECT id FROM deals WHERE vendor_id = $1", self.vendor)
        finally:
            await con.close()
        stored = Counter(r["id"] for r in rows)
        self.report["deals stored"] = len(rows)
        self.report["answers matching exactly one deal"] = sum(1 for d in deal_ids if stored[d] == 1)
        self.report["deals no client holds (double registrations)"] = len(set(stored) - deal_ids)

    async def _check_events(self, deal_ids: set[str]) -> None:
        topic = f"{self.stack.topic_prefix}deals.v1"
        wanted = {(d, t) for d in deal_ids for t in EVENT_TYPES}

        parsed: dict[int, tuple[str, str]] = {}  # records read so far, by identity: each parsed once

        def seen(records: list[Any]) -> set[tuple[str, str]]:
            for r in records[len(parsed) :]:
                # The suite's topics are shared: another test's poison record (not JSON) is no deal event of ours.
                try:
                    event = json.loads(r.value or b"{}")
                except ValueError:
                    event = {}
                kind = event.get("type") if isinstance(event, dict) else None
                parsed[len(parsed)] = ((r.key or b"").decode(), str(kind))
            return set(parsed.values()) & wanted

        began = time.monotonic()
        records = await read_topic(
            self.stack.infra.kafka_bootstrap, topic, until=lambda rs: seen(rs) >= wanted,
            timeout=self.plan.settle_timeout_s,
        )  # fmt: skip
        self.report["events lost"] = len(wanted - seen(records))
        self.report["events on deals.v1 (both types) within (s)"] = round(time.monotonic() - began, 1)

    async def _check_rewards(self, http: httpx.AsyncClient, deal_ids: set[str]) -> None:
        began = time.monotonic()
        counts: Counter[str] = Counter()
        while time.monotonic() - began < self.plan.settle_timeout_s:
            counts = registration_rewards(await ledger_entries(http, self._url("incentives"), self.admin))
            if set(counts) >= deal_ids:
                break
            await asyncio.sleep(2)
        self.report["rewards missing"] = len(deal_ids - set(counts))
        self.report["rewards paid twice"] = sum(1 for d in deal_ids if counts[d] > 1)
        self.report["rewards complete within (s)"] = round(time.monotonic() - began, 1)

    async def _check_webhooks(self, hook: WebhookReceiver, deal_ids: set[str]) -> None:
        def per_deal() -> dict[str, list[str]]:
            seen_ids: set[str] = set()
            out: dict[str, list[str]] = {}
            for headers, body in hook.received():
                if headers.get("webhook-id") in seen_ids:
                    continue  # a redelivery of one already received
                seen_ids.add(headers.get("webhook-id", ""))
                event = json.loads(body)
                out.setdefault(str(event.get("subject")), []).append(str(event.get("type")))
            return out

        began = time.monotonic()
        got = per_deal()
        while time.monotonic() - began < self.plan.settle_timeout_s:
            got = per_deal()
            if all(len(got.get(d, ())) >= len(EVENT_TYPES) for d in deal_ids):
                break
            await asyncio.sleep(2)
        complete = [d for d in deal_ids if set(got.get(d, ())) >= set(EVENT_TYPES)]
        in_order = [d for d in complete if got[d].index("deal-registered") < got[d].index("deal-approved")]
        self.report["webhook requests received"] = len(hook.received())
        self.report["deals with both webhooks"] = len(complete)
        self.report["webhooks missing (deals)"] = len(deal_ids) - len(complete)
        self.report["deals whose webhooks arrived in order"] = len(in_order)
        self.report["deals whose webhooks arrived out of order"] = len(complete) - len(in_order)
        self.report["webhooks complete within (s)"] = round(time.monotonic() - began, 1)


def verdict(report: Report) -> list[str]:
    """The guarantees that did not hold (empty: all held), webhooks' per-deal order included."""
    n = report["registrations"]
    checks = {
        "every request holds its 201": report["answered 201"] == n,
        "each answer's deal id is exactly one deal": report["answers matching exactly one deal"] == n,
        "no deal beyond the answers": report["deals no client holds (double registrations)"] == 0,
        "distinct deal per request": report["distinct deal ids among the answers"] == n,
        "no event lost": report["events lost"] == 0,
        "no reward missing": report["rewards missing"] == 0,
        "no reward paid twice": report["rewards paid twice"] == 0,
        "every deal's webhooks delivered": report.figures.get("webhooks missing (deals)", 0) == 0,
        "each deal's webhooks in order": report.figures.get("deals whose webhooks arrived out of order", 0) == 0,
    }
    return [name for name, ok in checks.items() if not ok]


@contextlib.contextmanager
def private_platform() -> Iterator[tuple[Stack, PrivateInfra]]:
    """The reliability suite's private servers and the four services (as its conftest starts them)."""
    servers = PrivateInfra(
        Infra(server_url=f"postgresql+asyncpg://platform:platform@127.0.0.1:{PG_PORT}",
              kafka_bootstrap=f"127.0.0.1:{KAFKA_PORT}")
    )  # fmt: skip
    servers.postgres("start")
    servers.kafka("start")
    stack: Stack | None = None
    try:
        stack = private_stack(servers.infra)
        with running(stack):
            yield stack, servers
    finally:
        if stack is not None:  # its databases were made
            with contextlib.suppress(Exception):
                asyncio.run(drop_run_databases(servers.infra))
        servers.kafka("stop")
        servers.postgres("stop")


async def soak(stack: Stack, servers: PrivateInfra, plan: Plan) -> Report:
    return await Soak(stack, servers, plan).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="registrations (default 10000)")
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight (default 16)")
    parser.add_argument("--dealreg-kills", type=int, default=4, help="SIGKILLs of dealreg (default 4)")
    args = parser.parse_args(argv)
    plan = Plan(count=args.count, concurrency=args.concurrency, dealreg_kills=args.dealreg_kills)
    began = time.monotonic()
    with private_platform() as (stack, servers):
        report = asyncio.run(soak(stack, servers, plan))
    report["soak duration in all (s)"] = round(time.monotonic() - began, 1)
    report.print()
    failed = verdict(report)
    print("\nsoak verdict:", "every guarantee held" if not failed else f"FAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
