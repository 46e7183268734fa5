"""Rate limits per caller, and 50 clients registering the same customer at the same moment.

Budgets under racing consumers are covered by
tests/integration/incentives/test_incentives_budget_race.py (not repeated here).
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from rel_infra import RUN, admin_headers, extra_service

from devstack.processes import ServiceProcess, Stack
from devstack.tokens import dev_token
from support.scenario import partner_profile, registration

RACE_VENDOR = "race-v"
CLIENTS = 50


def bearer(role: str, sub: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, sub, 12, **claims)}"}


@pytest.fixture(scope="module")
def limited_dealreg(rel_stack: Stack) -> Iterator[ServiceProcess]:
    """dealreg started with RATE_LIMIT_PER_MINUTE=60 and RATE_LIMIT_BURST=5."""
    proc = extra_service(
        rel_stack, "dealreg", 28005, f"{RUN}_dealreg_limited", RATE_LIMIT_PER_MINUTE="60", RATE_LIMIT_BURST="5"
    )
    yield proc
    proc.stop()


def test_a_greedy_caller_gets_429_with_retry_after_and_another_caller_does_not(
    limited_dealreg: ServiceProcess,
) -> None:
    greedy = bearer("partner", "rep-greedy", partner_id="p-greedy")
    other = bearer("partner", "rep-calm", partner_id="p-calm")
    with httpx.Client(base_url=limited_dealreg.url, timeout=10) as http:
        statuses = [http.get("/v1/deals", headers=greedy) for _ in range(8)]
        assert [r.status_code for r in statuses[:5]] == [200] * 5
        refused = statuses[5:]
        assert {r.status_code for r in refused} == {429}, [r.status_code for r in refused]
        retry_after = int(refused[-1].headers["retry-after"])
        assert 1 <= retry_after <= 60
        assert refused[-1].headers["content-type"].startswith("application/problem+json")

        assert http.get("/v1/deals", headers=other).status_code == 200, "another caller keeps its own budget"
        assert http.get("/healthz").status_code == 200, "probes are never limited"

        time.sleep(retry_after + 0.1)
        assert http.get("/v1/deals", headers=greedy).status_code == 200, "the caller may go on after Retry-After"


def test_a_flood_of_bad_tokens_is_throttled_per_address(limited_dealreg: ServiceProcess) -> None:
    with httpx.Client(base_url=limited_dealreg.url, timeout=10) as http:
        codes = [http.get("/v1/deals", headers={"Authorization": "Bearer forged"}).status_code for _ in range(8)]
    assert codes[:5] == [401] * 5
    assert 429 in codes[5:], codes


async def _race(url: str, bodies_and_headers: list[tuple[dict[str, object], dict[str, str]]]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=httpx.Limits(max_connections=CLIENTS)) as http:
        start = asyncio.Event()

        async def one(body: dict[str, object], headers: dict[str, str]) -> httpx.Response:
            await start.wait()
            return await http.post("/v1/deals", json=body, headers=headers)

        tasks = [asyncio.create_task(one(b, h)) for b, h in bodies_and_headers]
        await asyncio.sleep(0.2)
        start.set()
        return list(await asyncio.gather(*tasks))


async def _partners(url: str, ids: list[str]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        for pid in ids:
            r = await http.put(
                f"/v1/partners/{pid}", json=partner_profile(vendor_id=RACE_VENDOR), headers=admin_headers()
            )
            assert r.status_code in (200, 201), r.text


async def test_fifty_partners_racing_for_one_customer_leave_exactly_one_unconflicted_registration(
    rel_stack: Stack,
) -> None:
    url = rel_stack.services["dealreg"].url
    partners = [f"p-race-{i}" for i in range(CLIENTS)]
    await _partners(url, partners)
    body = registration("Contested Corp", vendor_id=RACE_VENDOR)
    responses = await _race(url, [(body, bearer("partner", f"rep-{p}", partner_id=p)) for p in partners])
    assert [r.status_code for r in responses] == [201] * CLIENTS, Counter(r.status_code for r in responses)
    conflicts = Counter(r.json()["conflict"] for r in responses)
    assert conflicts == {False: 1, True: CLIENTS - 1}, conflicts
    assert len({r.json()["partner_id"] for r in responses}) == CLIENTS


async def test_one_partner_racing_fifty_times_gets_one_201_and_49_duplicates(rel_stack: Stack) -> None:
    url = rel_stack.services["dealreg"].url
    await _partners(url, ["p-race-solo"])
    headers = bearer("partner", "rep-solo", partner_id="p-race-solo")
    body = registration("Solo Contested Corp", vendor_id=RACE_VENDOR)
    responses = await _race(url, [(body, headers)] * CLIENTS)
    codes = Counter(r.status_code for r in responses)
    assert codes == {201: 1, 409: CLIENTS - 1}, codes
    winner = next(r.json()["id"] for r in responses if r.status_code == 201)
    assert {r.json()["existing_deal_id"] for r in responses if r.status_code == 409} == {winner}
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        r = await http.get("/v1/deals", params={"partner_id": "p-race-solo", "limit": 500}, headers=admin_headers())
    assert [d["id"] for d in r.json()["items"]] == [winner]
