"""Payout batches: every unpaid net reward once, never in two batches, even when requests race."""

from __future__ import annotations

import asyncio
import csv
import io

from incentives_helpers import DealFeed, make_program, rewards

from support.kafka import events_of, eventually, read_topic


async def test_racing_payout_requests_never_double_pay(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    vendor_token = token("vendor", sub="finance", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor, budget="100000.00")
        deals = [
            DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, rep_id=rep, partner_id="p-pay", tier=1)
            for rep in ("rep-a", "rep-a", "rep-b")
        ]
        for d in deals:
            await d.send("deal-registered")
        await deals[2].send("deal-rejected", status="rejected")  # rep-b nets to zero: no line

        async def booked() -> bool:
            got = [await rewards(client, admin, d.id) for d in deals]
            return all("registration" in g for g in got) and "clawback" in got[2]

        await eventually(booked, timeout=30)
        responses = await asyncio.gather(
            *(client.post("/v1/payouts", json={"vendor_id": vendor}, headers=vendor_token) for _ in range(4))
        )
        created = [r.json() for r in responses if r.status_code == 201]
        assert len(created) == 1, [r.text for r in responses]
        assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
        payout = created[0]
        # rep-a: 2 x 3000.00 x 25 % x 1.0; rep-b's reward and clawback net to zero and stay unpaid.
        line = {"rep_id": "rep-a", "partner_id": "p-pay", "amount": "1500.00", "currency": "USD", "entry_count": 2}
        assert payout["lines"] == [line]
        assert payout["total"] == "1500.00"

        r = await client.get(f"/v1/payouts/{payout['id']}", headers=vendor_token)
        assert r.status_code == 200 and r.json()["lines"] == payout["lines"]
        r = await client.get(f"/v1/payouts/{payout['id']}/lines.csv", headers=vendor_token)
        assert r.headers["content-type"].startswith("text/csv")
        assert list(csv.DictReader(io.StringIO(r.text))) == [
            {
                "payout_id": payout["id"],
                "rep_id": "rep-a",
                "partner_id": "p-pay",
                "amount": "1500.00",
                "currency": "USD",
                "entry_count": "2",
            }
        ]
        r = await client.get("/v1/reps/rep-a/earnings", headers=admin)
        assert (r.json()["paid"], r.json()["unpaid"]) == ("1500.00", "0.00")

        other_vendor = token("vendor", sub="finance", vendor_id="someone-else")
        assert (await client.get(f"/v1/payouts/{payout['id']}", headers=other_vendor)).status_code == 404
        partner = token("partner", sub="rep-a", partner_id="p-pay")
        r = await client.post("/v1/payouts", json={"vendor_id": vendor}, headers=partner)
        assert r.status_code == 403
    records = await read_topic(
        infra.kafka_bootstrap,
        topic_prefix + "incentives.v1",
        until=lambda rs: any(r.key == payout["id"].encode() for r in rs),
    )
    [event] = [e for e in events_of(records) if e.type == "payout-created" and e.subject == payout["id"]]
    assert (event.data["total"], event.data["line_count"], event.data["vendor_id"]) == ("1500.00", 1, vendor)
