"""How long does an aggregator's 500-item POST /v1/deals/batch take? (issue 3)

Against a running dealreg (make run, or the bench's own stack): an aggregator acting for
one partner sends ROUNDS batches of ITEMS new deals, each item with its own idempotency
key, one batch at a time, and the wall time of each is recorded.

    .venv/bin/python -m bench.batch_registration            # make run's dealreg on :8001
    DEALREG_URL=http://127.0.0.1:19001 ROUNDS=5 .venv/bin/python -m bench.batch_registration
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
import uuid
from typing import Any

import httpx

from bench.loadgen import registration_body
from devstack.tokens import dev_token

PARTNER = "p-bench-batch"
PROFILE = {"name": "Batch Partner", "tier": 2, "territory": "west", "region": "NA", "vendor_ids": ["acme"]}


async def measure(url: str, rounds: int = 5, items: int = 500) -> dict[str, Any]:
    """Wall time (ms) of `rounds` batches of `items` new registrations, sent one after the other."""
    admin = {"Authorization": f"Bearer {dev_token('admin', sub='bench-admin')}"}
    aggregator = dev_token("aggregator", sub="bench-aggregator", partner_ids=[PARTNER])
    headers = {"Authorization": f"Bearer {aggregator}"}
    times: list[float] = []
    statuses: dict[str, int] = {}
    async with httpx.AsyncClient(base_url=url, timeout=120) as client:
        r = await client.put(f"/v1/partners/{PARTNER}", json=PROFILE, headers=admin)
        r.raise_for_status()
        for n in range(rounds):
            tag = f"batch{uuid.uuid4().hex[:8]}r{n}"
            body = {
                "items": [
                    {**registration_body(tag, 0, i), "partner_id": PARTNER, "idempotency_key": f"{tag}-{i}"}
                    for i in range(items)
                ]
            }
            started = time.perf_counter()
            r = await client.post("/v1/deals/batch", json=body, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            r.raise_for_status()
            for result in r.json()["results"]:
                statuses[str(result["status"])] = statuses.get(str(result["status"]), 0) + 1
    return {
        "items_per_batch": items,
        "rounds": rounds,
        "ms": [round(t, 1) for t in times],
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
        "item_statuses": statuses,
    }


def main() -> None:
    url = os.environ.get("DEALREG_URL", "http://127.0.0.1:8001")
    result = asyncio.run(measure(url, int(os.environ.get("ROUNDS", "5")), int(os.environ.get("ITEMS", "500"))))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
