"""Seeding the dashboard's scene through the public APIs: partners, a program, plans, deals, a payout."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from support.kafka import eventually
from support.scenario import PROGRAM

Headers = dict[str, str]


def current_quarter(today: date | None = None) -> tuple[str, date]:
    """("2026Q4", its last day): deals expected to close on that day fall in the quarter."""
    today = today or datetime.now(UTC).date()
    q = (today.month - 1) // 3 + 1
    next_start = date(today.year + 1, 1, 1) if q == 4 else date(today.year, 3 * q + 1, 1)
    last = next_start - timedelta(days=1)
    return f"{today.year}Q{q}", last


@dataclass(frozen=True)
class PartnerSeed:
    suffix: str
    tier: int
    territory: str
    plan: str
    # (rep suffix, customer, what happens: "pending" | "approved" | a stage | "won")
    deals: list[tuple[str, str, str]] = field(default_factory=list)


# Registration rewards are 25 % of the 3000.00 margin x the tier multiplier (1.0 / 1.25 / 1.5).
SCENE = [
    PartnerSeed("pa", 1, "west", "50000.00", [("a1", "Alpha Corp", "proposal"), ("a1", "Apex Ltd", "won")]),
    PartnerSeed("pb", 2, "east", "100000.00", [("b1", "Beta Inc", "pending")]),
    PartnerSeed("pc", 2, "west", "10000.00", [("c1", "Gamma Co", "negotiation")]),
]


@dataclass
class Scene:
    vendor_id: str
    period: str
    partner_ids: list[str]
    rep_ids: list[str]
    vendor_headers: Headers


def deal_body(vendor_id: str, partner_id: str, rep_id: str, customer: str, close_on: date) -> dict[str, Any]:
    slug = customer.lower().replace(" ", "")
    return {
        "vendor_id": vendor_id,
        "partner_id": partner_id,
        "rep": {"id": rep_id, "email": f"{rep_id}@partner.example", "name": rep_id},
        "customer": {"name": customer, "domain": f"{slug}.example", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "margin_pct": "25",
        "expected_close_date": close_on.isoformat(),
    }


async def _ok(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    assert response.status_code in (statuses or (200,)), response.text
    return dict(response.json())


async def put_plan_once_enrolled(
    pipeline: httpx.AsyncClient, partner_id: str, period: str, plan: dict[str, Any], headers: Headers
) -> None:
    """A plan needs the partner's enrolment with the vendor (v1.1): 404 until dealreg's
    partner-enrolled event has reached the pipeline, a moment after dealreg's PUT."""

    async def attempt() -> bool:
        response = await pipeline.put(f"/v1/plans/{partner_id}/{period}", json=plan, headers=headers)
        assert response.status_code == 200, response.text
        return True

    await eventually(attempt, timeout=30)


async def seed_scene(urls: dict[str, str], token: Callable[..., Headers]) -> Scene:
    """Three partners of a fresh vendor with plans and deals in this quarter, rewards partly paid."""
    vendor_id = f"dash-{uuid.uuid4().hex[:8]}"
    period, close_on = current_quarter()
    today = datetime.now(UTC).date()
    admin = token("admin", sub="ops")
    vendor = token("vendor", sub="cm-dash", vendor_id=vendor_id)
    partner_ids = [f"{vendor_id}-{p.suffix}" for p in SCENE]
    rep_ids: list[str] = []
    async with (
        httpx.AsyncClient(base_url=urls["dealreg"], timeout=20) as dealreg,
        httpx.AsyncClient(base_url=urls["incentives"], timeout=20) as incentives,
        httpx.AsyncClient(base_url=urls["pipeline"], timeout=20) as pipeline,
    ):
        await _ok(await incentives.post("/v1/programs", json={**PROGRAM, "vendor_id": vendor_id}, headers=vendor), 201)
        registered = 0
        for seed, partner_id in zip(SCENE, partner_ids, strict=True):
            profile = {
                "name": f"Partner {seed.suffix}",
                "tier": seed.tier,
                "territory": seed.territory,
                "region": "NA",
                "channel_manager": "cm-dash",
                "vendor_ids": [vendor_id],
            }
            await _ok(await dealreg.put(f"/v1/partners/{partner_id}", json=profile, headers=admin), 200, 201)
            plan = {"vendor_id": vendor_id, "revenue_target": seed.plan, "currency": "USD"}
            await put_plan_once_enrolled(pipeline, partner_id, period, plan, vendor)
            for rep_suffix, customer, fate in seed.deals:
                rep_id = f"{partner_id}-rep-{rep_suffix}"
                if rep_id not in rep_ids:
                    rep_ids.append(rep_id)
                rep = token("partner", sub=rep_id, partner_id=partner_id)
                body = deal_body(vendor_id, partner_id, rep_id, customer, close_on)
                deal = await _ok(await dealreg.post("/v1/deals", json=body, headers=rep), 201)
                registered += 1
                if fate == "pending":
                    continue
                await _ok(
                    await dealreg.post(f"/v1/deals/{deal['id']}/decision", json={"decision": "approve"}, headers=vendor)
                )
                if fate == "won":
                    close = {"outcome": "won", "final_amount": "11500.00", "closed_on": today.isoformat()}
                    await _ok(await dealreg.post(f"/v1/deals/{deal['id']}/close", json=close, headers=rep))
                elif fate != "approved":
                    await _ok(await dealreg.post(f"/v1/deals/{deal['id']}/stage", json={"stage": fate}, headers=rep))

        async def all_rewarded() -> bool:
            r = await incentives.get("/v1/ledger", params={"limit": 500}, headers=vendor)
            return r.status_code == 200 and len(r.json()["items"]) >= registered

        await eventually(all_rewarded, timeout=45)
        # Everything so far is paid; one more registration afterwards stays unpaid.
        await _ok(await incentives.post("/v1/payouts", json={"vendor_id": vendor_id}, headers=vendor), 201)
        late_rep = f"{partner_ids[0]}-rep-a2"
        rep_ids.append(late_rep)
        body = deal_body(vendor_id, partner_ids[0], late_rep, "Late Deal Corp", close_on)
        rep = token("partner", sub=late_rep, partner_id=partner_ids[0])
        await _ok(await dealreg.post("/v1/deals", json=body, headers=rep), 201)
        registered += 1
        await eventually(all_rewarded, timeout=45)

        async def pipeline_caught_up() -> bool:
            r = await pipeline.get(
                "/v1/rollups", params={"vendor_id": vendor_id, "period": period, "by": "partner"}, headers=vendor
            )
            items = {i["key"]: i for i in r.json()["items"]}
            pa = items.get(partner_ids[0], {})
            # 2 open deals at pa (proposal + late registration) and 1 won: the last events arrived.
            return pa.get("open_deals") == 2 and pa.get("won_deals") == 1 and len(items) == 3

        await eventually(pipeline_caught_up, timeout=45)
    return Scene(vendor_id, period, partner_ids, rep_ids, vendor)


async def seed_plans(urls: dict[str, str], token: Callable[..., Headers], count: int) -> tuple[str, str, Headers]:
    """A vendor with `count` partners, enrolled in dealreg, that have a plan (a rollup shows
    every partner with a plan)."""
    vendor_id = f"dash-many-{uuid.uuid4().hex[:8]}"
    period, _ = current_quarter()
    vendor = token("vendor", sub="cm-many", vendor_id=vendor_id)
    async with (
        httpx.AsyncClient(base_url=urls["dealreg"], timeout=20) as dealreg,
        httpx.AsyncClient(base_url=urls["pipeline"], timeout=20) as pipeline,
    ):
        partner_ids = [f"{vendor_id}-p{i:03d}" for i in range(count)]
        admin = token("admin", sub="ops")
        for partner_id in partner_ids:
            profile = {"name": partner_id, "tier": 1, "territory": "west", "region": "NA", "vendor_ids": [vendor_id]}
            await _ok(await dealreg.put(f"/v1/partners/{partner_id}", json=profile, headers=admin), 200, 201)
        for i, partner_id in enumerate(partner_ids):
            plan = {"vendor_id": vendor_id, "revenue_target": f"{10000 + 250 * i}.00", "currency": "USD"}
            await put_plan_once_enrolled(pipeline, partner_id, period, plan, vendor)
    return vendor_id, period, vendor
