"""Idempotency-Key on the POSTs that write, beyond registration: the route's writes and the stored
answer commit together, a replay repeats the first answer and changes nothing, a refused request
(4xx) is remembered without a trace of its writes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, timedelta
from typing import Any

import asyncpg

from support.scenario import registration

VENDOR = "idemvendor"


def _deal_body(customer: str) -> dict[str, Any]:
    """A registration for VENDOR with a fresh customer domain, closing in 60 days."""
    return {
        **registration(customer, vendor_id=VENDOR),
        "customer": {"name": customer, "domain": f"{uuid.uuid4().hex[:8]}.example", "country": "US"},
        "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
    }


def _dsn(app: Any) -> str:
    return str(app.state.settings.database_url).replace("postgresql+asyncpg://", "postgresql://")


async def _count(app: Any, sql: str, *args: Any) -> int:
    con = await asyncpg.connect(_dsn(app))
    try:
        return int(await con.fetchval(sql, *args))
    finally:
        await con.close()


async def test_lifecycle_actions_and_batches_replay_and_change_nothing_twice(service_client, token) -> None:
    admin, vendor = token("admin", sub="ops"), token("vendor", sub="approver", vendor_id=VENDOR)
    partner_id = f"p-{uuid.uuid4().hex[:8]}"
    partner = token("partner", sub="rep-1", partner_id=partner_id)
    async with service_client("dealreg") as (client, app):
        r = await client.put(f"/v1/partners/{partner_id}", json={"name": "P", "tier": 2, "vendor_ids": [VENDOR]},
                             headers=admin)  # fmt: skip
        assert r.status_code == 201
        deal = (await client.post("/v1/deals", json=_deal_body("Lifecycle Corp"), headers=partner)).json()
        url = f"/v1/deals/{deal['id']}/decision"

        stale = {**vendor, "Idempotency-Key": "d-stale", "If-Match": '"9"'}
        first = await client.post(url, json={"decision": "approve"}, headers=stale)
        assert first.status_code == 412
        again = await client.post(url, json={"decision": "approve"}, headers=stale)
        assert again.status_code == 412 and again.headers["Idempotent-Replayed"] == "true"
        assert (await client.get(f"/v1/deals/{deal['id']}", headers=vendor)).json()["status"] == "pending_approval"

        keyed = {**vendor, "Idempotency-Key": "d-1"}
        first = await client.post(url, json={"decision": "approve", "reason": "ok"}, headers=keyed)
        assert first.status_code == 200, first.text
        again = await client.post(url, json={"decision": "approve", "reason": "ok"}, headers=keyed)
        assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
        assert again.json() == first.json() and again.headers["ETag"] == first.headers["ETag"]
        history = await _count(app, "SELECT count(*) FROM deal_history WHERE deal_id = $1", deal["id"])
        assert history == 2  # registered, approved: the replay added nothing

        stage = {**partner, "Idempotency-Key": "s-1"}
        first = await client.post(f"/v1/deals/{deal['id']}/stage", json={"stage": "qualified"}, headers=stage)
        again = await client.post(f"/v1/deals/{deal['id']}/stage", json={"stage": "qualified"}, headers=stage)
        assert first.status_code == again.status_code == 200
        assert again.json()["version"] == first.json()["version"]

        batch = {"items": [{**_deal_body("Batch A"), "partner_id": partner_id, "idempotency_key": "item-a"},
                           {**_deal_body("Batch B"), "partner_id": partner_id}]}  # fmt: skip
        keyed = {**admin, "Idempotency-Key": "batch-1"}
        first, second = await asyncio.gather(
            client.post("/v1/deals/batch", json=batch, headers=keyed),
            client.post("/v1/deals/batch", json=batch, headers=keyed),
        )
        assert first.status_code == second.status_code == 200
        assert first.json() == second.json()
        assert [r["status"] for r in first.json()["results"]] == [201, 201]
        assert await _count(app, "SELECT count(*) FROM deals") == 3


async def test_programs_and_subscriptions_are_created_once_per_key(service_client, token) -> None:
    vendor_id = f"v-{uuid.uuid4().hex[:10]}"
    vendor = {**token("vendor", sub="u", vendor_id=vendor_id), "Idempotency-Key": "prog-1"}
    program = {
        "vendor_id": vendor_id, "name": "FY27", "currency": "USD", "starts_on": "2026-01-01",
        "ends_on": "2030-12-31", "registration_reward_pct": "25", "pay_registration_on": "registered",
    }  # fmt: skip
    async with service_client("incentives") as (client, app):
        first, second = await asyncio.gather(
            client.post("/v1/programs", json=program, headers=vendor),
            client.post("/v1/programs", json=program, headers=vendor),
        )
        assert first.status_code == second.status_code == 201, (first.text, second.text)
        assert first.json()["id"] == second.json()["id"]
        assert await _count(app, "SELECT count(*) FROM programs WHERE vendor_id = $1", vendor_id) == 1
        changed = await client.post("/v1/programs", json={**program, "name": "other"}, headers=vendor)
        assert changed.status_code == 422

    subscription = {"url": "http://127.0.0.1:9/hook", "event_types": ["deal-registered"]}
    vendor = {**token("vendor", sub="u", vendor_id=vendor_id), "Idempotency-Key": "sub-1"}
    async with service_client("notifications", webhook_allow_private=True) as (client, app):
        first = await client.post("/v1/subscriptions", json=subscription, headers=vendor)
        again = await client.post("/v1/subscriptions", json=subscription, headers=vendor)
        assert first.status_code == again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["id"] == first.json()["id"] and again.json()["secret"] == first.json()["secret"]
        assert await _count(app, "SELECT count(*) FROM subscriptions") == 1
        rotate = {**vendor, "Idempotency-Key": "rot-1"}
        url = f"/v1/subscriptions/{first.json()['id']}/rotate-secret"
        r1, r2 = await client.post(url, headers=rotate), await client.post(url, headers=rotate)
        assert r1.status_code == r2.status_code == 200, r1.text
        assert r1.json()["secret"] == r2.json()["secret"] != first.json()["secret"]
