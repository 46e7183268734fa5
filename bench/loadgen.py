"""The load generator, run in its own process: `python -m bench.loadgen SPEC.json OUT.json`.

Fixed concurrency (closed loop) for a fixed duration, or paced at a fixed rate
(open loop, `rate` requests/s spread over the workers). Every request registers a
deal with a customer of its own (a repeat would be a 409 duplicate). Writes one
record per measured request: [wall-clock send time, latency ms, status, deal id].
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

import httpx


def registration_body(tag: str, worker: int, n: int) -> dict[str, Any]:
    """The same body as tests/support/scenario.py's registration(), with a unique customer."""
    return registration_body_for(f"Bench {tag} {worker} {n}", f"b{tag}w{worker}n{n}.example")


def registration_body_for(customer: str, domain: str) -> dict[str, Any]:
    """A registration of 10 x FW-500 at 1,200.00 USD for `customer` (its domain is what duplicates match)."""
    return {
        "vendor_id": "acme",
        "customer": {"name": customer, "domain": domain, "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "margin_pct": "25",
        "expected_close_date": "2030-02-15",
    }


async def run(spec: dict[str, Any]) -> dict[str, Any]:
    concurrency = int(spec["concurrency"])
    duration = float(spec["duration"])
    warmup = float(spec.get("warmup", 0))
    rate = spec.get("rate")
    max_requests = spec.get("max_requests")
    tag = str(spec["tag"])
    headers = {"Authorization": f"Bearer {spec['token']}"} if spec.get("token") else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    records: list[list[Any]] = []
    errors: dict[str, int] = {}
    sent = 0
    start = time.monotonic()
    measure_from = start + warmup
    stop_at = measure_from + duration

    async with httpx.AsyncClient(base_url=spec["url"], limits=limits, timeout=30.0) as client:

        async def worker(w: int) -> None:
            nonlocal sent
            n = 0
            while True:
                now = time.monotonic()
                if now >= stop_at or (max_requests is not None and sent >= max_requests):
                    return
                index = sent
                sent += 1
                if rate:
                    # Open loop: request `index` is due at start + index / rate.
                    due = start + index / float(rate)
                    if due >= stop_at:
                        return
                    if due > now:
                        await asyncio.sleep(due - now)
                n += 1
                body = registration_body(tag, w, n)
                wall = time.time()
                t0 = time.perf_counter()
                try:
                    # Like wrk's script (registration.lua): a key of its own per request, when asked.
                    keyed = {**headers, "Idempotency-Key": f"{tag}-{w}-{n}"} if spec.get("keyed") else headers
                    response = await client.post(spec["path"], json=body, headers=keyed)
                    status = response.status_code
                    deal_id = response.json().get("id") if status == 201 else None
                except httpx.HTTPError as exc:
                    status, deal_id = 0, None
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                latency_ms = (time.perf_counter() - t0) * 1000
                if time.monotonic() - latency_ms / 1000 >= measure_from:
                    records.append([wall, round(latency_ms, 3), status, deal_id])

        await asyncio.gather(*(worker(w) for w in range(concurrency)))
    elapsed = time.monotonic() - measure_from
    # The generator's own CPU (cores): on a small machine it competes with the server.
    cores = time.process_time() / (time.monotonic() - start)
    return {
        "records": records,
        "errors": errors,
        "elapsed_s": elapsed,
        "concurrency": concurrency,
        "rate": rate,
        "loadgen_cores": round(cores, 2),
    }


def main() -> None:
    spec = json.loads(Path(sys.argv[1]).read_text())
    import uvloop

    result = uvloop.run(run(spec))
    Path(sys.argv[2]).write_text(json.dumps(result))


if __name__ == "__main__":
    main()
