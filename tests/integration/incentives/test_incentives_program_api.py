"""Programs over HTTP: strict validation, no overlap per vendor, pagination, tenancy of the ledger."""

from __future__ import annotations

from incentives_helpers import PROGRAM, DealFeed, make_program, new_vendor

from support.kafka import eventually


async def test_invalid_programs_are_refused_naming_each_field(service_client, token, admin) -> None:
    async with service_client("incentives") as (client, _):
        bad = {
            **PROGRAM,
            "vendor_id": new_vendor(),
            "registration_reward_pct": "101",
            "currency": "usd",
            "cap_per_deal": "0",
        }
        r = await client.post("/v1/programs", json=bad, headers=admin)
        assert r.status_code == 422
        fields = {e["loc"][-1] for e in r.json()["errors"]}
        assert {"registration_reward_pct", "currency", "cap_per_deal"} <= fields
        r = await client.post(
            "/v1/programs",
            json={**PROGRAM, "vendor_id": new_vendor(), "starts_on": "2027-01-01", "ends_on": "2026-01-01"},
            headers=admin,
        )
        assert r.status_code == 422
        vendor = new_vendor()
        r = await client.post(
            "/v1/programs", json={**PROGRAM, "vendor_id": vendor}, headers=token("partner", sub="x", partner_id="p-x")
        )
        assert r.status_code == 403


async def test_overlapping_programs_of_one_vendor_conflict(service_client, token, vendor) -> None:
    headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        first = await make_program(client, headers, vendor, starts_on="2026-01-01", ends_on="2026-12-31")
        r = await client.post(
            "/v1/programs",
            json={**PROGRAM, "vendor_id": vendor, "starts_on": "2026-12-31", "ends_on": "2027-06-30"},
            headers=headers,
        )
        assert r.status_code == 409 and r.json()["conflicting_program_ids"] == [first["id"]]
        await make_program(client, headers, vendor, starts_on="2027-01-01", ends_on="2027-12-31")
        await make_program(client, headers, vendor, starts_on="2020-01-01", ends_on="2020-12-31")

        seen, cursor = [], None
        while True:
            params = {"vendor_id": vendor, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = (await client.get("/v1/programs", params=params, headers=headers)).json()
            seen += [p["starts_on"] for p in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == ["2020-01-01", "2026-01-01", "2027-01-01"]
        other = token("vendor", sub="mgr", vendor_id="not-mine")
        assert (await client.get(f"/v1/programs/{first['id']}", headers=other)).status_code == 404
        got = (await client.get(f"/v1/programs/{first['id']}", headers=headers)).json()
        assert (got["spent"], got["remaining"]) == ("0.00", None)


async def test_the_ledger_shows_each_tenant_only_its_own(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor, budget="50000.00")
        deals = [
            DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, partner_id=p, rep_id=f"rep-{p}")
            for p in ("p-1", "p-1", "p-1", "p-2")
        ]
        for d in deals:
            await d.send("deal-registered")

        async def all_in() -> bool:
            r = await client.get("/v1/ledger", params={"limit": 500}, headers=admin)
            return len(r.json()["items"]) == 4

        await eventually(all_in, timeout=30)
        p1 = token("partner", sub="rep-p-1", partner_id="p-1")
        pages, cursor = [], None
        while True:
            params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            body = (await client.get("/v1/ledger", params=params, headers=p1)).json()
            pages.append(body["items"])
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert [len(p) for p in pages] == [2, 1]
        assert {i["partner_id"] for p in pages for i in p} == {"p-1"}
        assert (await client.get(f"/v1/deals/{deals[3].id}/rewards", headers=p1)).status_code == 404
        assert (await client.get("/v1/reps/rep-p-2/earnings", headers=p1)).status_code == 404
        mine = token("vendor", sub="v", vendor_id=vendor)
        r = await client.get("/v1/ledger", params={"partner_id": "p-2"}, headers=mine)
        assert [i["deal_id"] for i in r.json()["items"]] == [deals[3].id]
        stranger = token("vendor", sub="v", vendor_id="other")
        assert (await client.get("/v1/ledger", headers=stranger)).json()["items"] == []
        r = await client.get("/v1/ledger", params={"cursor": "garbage"}, headers=admin)
        assert r.status_code == 422


async def test_simulating_a_program_gives_payout_and_roi(service_client, token) -> None:
    headers = token("partner", sub="rep-1", partner_id="p-1")
    body = {
        "program": {**PROGRAM, "vendor_id": new_vendor(), "stage_bonuses": {}, "close_won_pct": "0"},
        "forecast": {
            "expected_registrations": 100,
            "win_rate": "0.5",
            "avg_deal_amount": "10000.00",
            "avg_margin_pct": "20",
            "tier_mix": {"1": "1"},
        },
    }
    async with service_client("incentives") as (client, _):
        r = await client.post("/v1/programs/simulate", json=body, headers=headers)
        assert r.status_code == 200, r.text
        result = r.json()
        # 100 x 10000.00 x 20 % x 25 % = 50000.00 paid; 50 wins x 10000.00 = 500000.00 revenue
        assert (result["expected_payout"], result["expected_revenue"], result["roi"]) == (
            "50000.00",
            "500000.00",
            "9.0000",
        )
        body["forecast"]["win_rate"] = "1.5"
        r = await client.post("/v1/programs/simulate", json=body, headers=headers)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "win_rate"
