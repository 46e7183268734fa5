"""Idempotency-Key under a real crash: dealreg runs as its own process and is SIGKILLed between
the two points that matter (before its transaction's COMMIT; after the COMMIT, before the answer).

The process pauses there through the test-only hook IDEMPOTENCY_TEST_PAUSE (servicekit.idempotency),
for keys with a given prefix only.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from devstack.processes import ServiceProcess

VENDOR = "crashvendor"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _deal_body(customer: str) -> dict[str, Any]:
    return {
        "vendor_id": VENDOR,
        "customer": {"name": customer, "domain": f"{customer.lower().replace(' ', '-')}.example", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "margin_pct": "25",
        "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
    }


class Dealreg:
    """One dealreg process on its own port and database, restartable with other settings."""

    def __init__(self, database_url: str, topic_prefix: str, kafka: str, log_path: Path) -> None:
        self.dsn = database_url.replace("postgresql+asyncpg://", "postgresql://")
        self.database = database_url.rsplit("/", 1)[1]
        self.port = _free_port()
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": kafka,
            "KAFKA_TOPIC_PREFIX": topic_prefix,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "OTEL_SDK_DISABLED": "true",
        }
        self.log_path = log_path
        self.process: ServiceProcess | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, pause: str | None = None) -> None:
        env = dict(self.env)
        env.pop("IDEMPOTENCY_TEST_PAUSE", None)
        if pause:
            env["IDEMPOTENCY_TEST_PAUSE"] = pause
        self.process = ServiceProcess("dealreg", self.port, env, self.log_path)
        self.process.start()
        deadline = time.monotonic() + 60
        async with httpx.AsyncClient() as http:
            while time.monotonic() < deadline:
                assert self.process.alive(), self.log_path.read_text()[-3000:]
                try:
                    if (await http.get(f"{self.url}/readyz", timeout=1)).status_code == 200:
                        return
                except httpx.HTTPError:
                    pass
                await asyncio.sleep(0.2)
        raise AssertionError(f"dealreg not ready; log: {self.log_path.read_text()[-3000:]}")

    def kill(self) -> None:
        assert self.process is not None and self.process.process is not None
        self.process.kill(signal.SIGKILL)
        self.process.process.wait(10)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    async def fetchval(self, sql: str, *args: Any) -> Any:
        con = await asyncpg.connect(self.dsn)
        try:
            return await con.fetchval(sql, *args)
        finally:
            await con.close()

    async def deals(self) -> list[str]:
        con = await asyncpg.connect(self.dsn)
        try:
            return [r["id"] for r in await con.fetch("SELECT id FROM deals ORDER BY created_at")]
        finally:
            await con.close()

    async def held_open(self) -> bool:
        """A dealreg backend sits in an open transaction (the request paused before its COMMIT)."""
        n = await self.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state = 'idle in transaction'",
            self.database,
        )
        return bool(n)


async def _until(check: Callable[[], Awaitable[bool]], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("condition not reached in time")


@pytest.fixture
async def dealreg(
    infra: Any, make_db: Callable[..., Any], topic_prefix: str, tmp_path: Path, token: Callable[..., Any]
) -> AsyncIterator[tuple[Dealreg, dict[str, str]]]:
    proc = Dealreg(await make_db("dealreg"), topic_prefix, infra.kafka_bootstrap, tmp_path / "dealreg.log")
    partner_id = f"p-{uuid.uuid4().hex[:8]}"
    await proc.start()
    async with httpx.AsyncClient() as http:
        r = await http.put(
            f"{proc.url}/v1/partners/{partner_id}",
            json={"name": "Crash Partner", "tier": 2, "vendor_ids": [VENDOR]},
            headers=token("admin", sub="ops"),
        )
        assert r.status_code == 201, r.text
    proc.stop()
    try:
        yield proc, token("partner", sub="rep-crash", partner_id=partner_id)
    finally:
        proc.stop()


async def _post(url: str, body: dict[str, Any], headers: dict[str, str], key: str) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(f"{url}/v1/deals", json=body, headers={**headers, "Idempotency-Key": key}, timeout=60)


Send = Callable[[], Coroutine[Any, Any, httpx.Response]]


async def _started(
    dealreg: tuple[Dealreg, dict[str, str]], pause: str, customer: str, key: str
) -> tuple[Dealreg, Send]:
    """Start dealreg pausing at `pause`; and the partner's keyed registration of `customer`, to send (again)."""
    proc, partner = dealreg
    await proc.start(pause=pause)
    return proc, partial(_post, proc.url, _deal_body(customer), partner, key)


async def _killed_in_flight(proc: Dealreg, send: Send, reached: Callable[[], Awaitable[bool]]) -> None:
    """Send the request and SIGKILL dealreg once `reached`: the request fails."""
    in_flight = asyncio.create_task(send())
    await _until(reached)
    proc.kill()
    with pytest.raises(httpx.HTTPError):
        await in_flight


async def _retried(proc: Dealreg, send: Send) -> tuple[httpx.Response, float]:
    """Restart dealreg (no pause) and send the request again: its answer and how long it took."""
    await proc.start()
    started = time.monotonic()
    retry = await send()
    return retry, time.monotonic() - started


async def test_a_request_killed_before_its_commit_left_nothing_and_its_retry_runs_at_once(
    dealreg: tuple[Dealreg, dict[str, str]],
) -> None:
    proc, send = await _started(dealreg, "before-commit:60:crash-", "Before Commit Corp", "crash-before-1")
    # Killed with the deal, history, outbox and key row written, not committed.
    await _killed_in_flight(proc, send, proc.held_open)
    assert await proc.deals() == []
    assert await proc.fetchval("SELECT count(*) FROM idempotency_keys") == 0

    retry, took = await _retried(proc, send)
    assert retry.status_code == 201, retry.text
    assert "Idempotent-Replayed" not in retry.headers
    assert took < 3, f"the retry waited {took:.1f} s"
    assert await proc.deals() == [retry.json()["id"]]
    again = await send()
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == retry.json()["id"]


async def test_a_request_killed_after_its_commit_is_replayed_with_its_own_201_and_deal(
    dealreg: tuple[Dealreg, dict[str, str]],
) -> None:
    key = "crash-after-1"
    proc, send = await _started(dealreg, "after-commit:60:crash-", "After Commit Corp", key)

    async def committed() -> bool:
        return len(await proc.deals()) == 1

    await _killed_in_flight(proc, send, committed)  # committed; the answer is held back
    [deal_id] = await proc.deals()

    retry, took = await _retried(proc, send)
    assert took < 3
    assert retry.status_code == 201, retry.text  # not 409 duplicate registration: its own answer
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json()["id"] == deal_id
    assert retry.headers["Location"] == f"/v1/deals/{deal_id}"
    assert await proc.deals() == [deal_id]
    changed = await _post(proc.url, _deal_body("Another Corp"), dealreg[1], key)
    assert changed.status_code == 422


async def test_two_simultaneous_requests_with_one_key_make_one_deal_and_both_get_it(
    dealreg: tuple[Dealreg, dict[str, str]],
) -> None:
    proc, send = await _started(dealreg, "before-commit:1.5:race-", "Race Corp", "race-1")
    first, second = await asyncio.gather(send(), send())
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert first.json()["id"] == second.json()["id"]
    assert sorted(r.headers.get("Idempotent-Replayed", "") for r in (first, second)) == ["", "true"]
    assert await proc.deals() == [first.json()["id"]]


async def test_a_request_still_running_past_the_lock_timeout_gets_409_then_the_replay(
    dealreg: tuple[Dealreg, dict[str, str]],
) -> None:
    proc, send = await _started(dealreg, "before-commit:8:slow-", "Slow Corp", "slow-1")
    first = asyncio.create_task(send())
    await _until(proc.held_open)
    waiting = await send()
    assert waiting.status_code == 409, waiting.text
    done = await first
    assert done.status_code == 201
    replay = await send()
    assert replay.status_code == 201 and replay.json()["id"] == done.json()["id"]
    assert await proc.deals() == [done.json()["id"]]
