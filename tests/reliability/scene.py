"""What the reliability tests read back from the platform: events, rewards, figures."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections import Counter
from typing import Any

import httpx

from devstack.processes import Stack
from support.kafka import read_topic


async def registered_on_topic(bootstrap: str, topic: str, deal_ids: set[str], timeout: float = 60) -> set[str]:
    """The deal ids among `deal_ids` that have a deal-registered record on the topic."""

    def seen(records: list[Any]) -> set[str]:
        out = set()
        for r in records:
            headers = dict(r.headers or ())
            if headers.get("ce_type", b"") == b"deal-registered" or b'"deal-registered"' in (r.value or b""):
                out.add((r.key or b"").decode())
        return out & deal_ids

    records = await read_topic(bootstrap, topic, until=lambda rs: seen(rs) >= deal_ids, timeout=timeout)
    return seen(records)


async def ledger_entries(http: httpx.AsyncClient, incentives_url: str, headers: dict[str, str]) -> list[dict[str, Any]]:
    """Every ledger entry the caller sees, all pages."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"limit": 500}
        if cursor:
            params["cursor"] = cursor
        r = await http.get(f"{incentives_url}/v1/ledger", params=params, headers=headers, timeout=30)
        assert r.status_code == 200, r.text
        body = r.json()
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if not cursor:
            return items


def registration_rewards(entries: list[dict[str, Any]]) -> Counter[str]:
    return Counter(e["deal_id"] for e in entries if e["kind"] == "registration")


async def rollups(http: httpx.AsyncClient, pipeline_url: str, headers: dict[str, str], vendor: str) -> Any:
    """The vendor's per-partner figures for the deals' quarter, without the as_of stamp."""
    r = await http.get(
        f"{pipeline_url}/v1/rollups",
        params={"vendor_id": vendor, "period": "2030Q1", "limit": 500},
        headers=headers,
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    body.pop("as_of", None)
    return body


async def rebuild_pipeline(stack: Stack) -> str:
    """`python -m pipeline.rebuild` with the pipeline process's own environment."""
    env = {**os.environ, **stack.services["pipeline"].env}
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "pipeline.rebuild"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def webhook_ids_by_deal(received: list[tuple[dict[str, str], bytes]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for headers, body in received:
        event = json.loads(body)
        if event.get("type") == "deal-registered":
            out.setdefault(str(event["subject"]), set()).add(headers["webhook-id"])
    return out
