"""Who sees and changes what: 404 for another tenant's figures, 403 for a role that may not act."""

from __future__ import annotations

from pipeline_scenario import PERIOD, deal, enrol, put_plan, send, unique, wait_for_figures


async def test_each_caller_sees_only_its_own_figures(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    async with service_client("pipeline") as (client, _):
        await send(infra, topic_prefix, "deal-registered", deal(vendor, partner, amount="700.00"))
        await wait_for_figures(client, token("admin"), partner, vendor, pipeline_total="700.00")

        allowed = {
            "own partner": token("partner", partner_id=partner),
            "its aggregator": token("aggregator", partner_ids=[partner]),
            "the vendor": token("vendor", vendor_id=vendor),
            "an admin": token("admin"),
        }
        for who, headers in allowed.items():
            response = await client.get(
                f"/v1/partners/{partner}/pipeline", params={"vendor_id": vendor, "period": PERIOD}, headers=headers
            )
            assert response.status_code == 200, who
            assert response.json()["pipeline_total"] == "700.00", who

        refused = {
            "another partner": token("partner", partner_id=unique("p")),
            "another aggregator": token("aggregator", partner_ids=[unique("p")]),
            "another vendor": token("vendor", vendor_id=unique("v")),
        }
        for who, headers in refused.items():
            response = await client.get(
                f"/v1/partners/{partner}/pipeline", params={"vendor_id": vendor, "period": PERIOD}, headers=headers
            )
            assert response.status_code == 404, who
            assert response.headers["content-type"].startswith("application/problem+json")

        # A partner asking under another vendor's id sees nothing of that vendor.
        other_vendor = await client.get(
            f"/v1/partners/{partner}/pipeline",
            params={"vendor_id": unique("v"), "period": PERIOD},
            headers=token("vendor", vendor_id=vendor),
        )
        assert other_vendor.status_code == 404
        assert (await client.get(f"/v1/partners/{partner}/pipeline", params={"vendor_id": vendor})).status_code == 401


async def test_plans_are_set_by_their_vendor_and_read_by_their_partner(
    service_client, token, infra, topic_prefix
) -> None:
    vendor, partner = unique("v"), unique("p")
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        assert (await put_plan(client, token("partner", partner_id=partner), partner, vendor)).status_code == 403
        # another vendor's plan is outside its tenancy: 404, never a hint that it exists
        other = token("vendor", vendor_id=unique("v"))
        assert (await put_plan(client, other, partner, vendor, wait_for_enrolment=False)).status_code == 404
        created = await put_plan(client, token("vendor", vendor_id=vendor), partner, vendor, "25000.00")
        assert created.status_code == 200
        assert created.json() == {**created.json(), "revenue_target": "25000.00", "period": PERIOD, "version": 1}
        updated = await put_plan(client, token("admin"), partner, vendor, "30000.00")
        assert (updated.json()["revenue_target"], updated.json()["version"]) == ("30000.00", 2)

        url, params = f"/v1/plans/{partner}/{PERIOD}", {"vendor_id": vendor}
        own = await client.get(url, params=params, headers=token("partner", partner_id=partner))
        assert own.status_code == 200 and own.json()["revenue_target"] == "30000.00"
        for headers in (token("partner", partner_id=unique("p")), token("vendor", vendor_id=unique("v"))):
            assert (await client.get(url, params=params, headers=headers)).status_code == 404
        missing = await client.get(f"/v1/plans/{partner}/2031Q2", params=params, headers=token("admin"))
        assert missing.status_code == 404

        bad = await client.put(
            f"/v1/plans/{partner}/2030Q5",
            json={"vendor_id": vendor, "revenue_target": "-1", "currency": "usd"},
            headers=token("admin"),
        )
        assert bad.status_code == 422
        bad_period = await client.put(
            f"/v1/plans/{partner}/2030Q5",
            json={"vendor_id": vendor, "revenue_target": "1.00", "currency": "USD"},
            headers=token("admin"),
        )
        assert bad_period.status_code == 422 and bad_period.json()["errors"][0]["loc"] == ["path", "period"]


async def test_policies_default_and_belong_to_their_vendor(service_client, token) -> None:
    vendor = unique("v")
    own = token("vendor", vendor_id=vendor)
    url = f"/v1/vendors/{vendor}/pipeline-policy"
    async with service_client("pipeline") as (client, _):
        default = await client.get(url, headers=own)
        assert default.status_code == 200
        assert default.json() | {"updated_at": None} == {
            "vendor_id": vendor,
            "total_index": "2.0",
            "risk_adjusted_index": "1.0",
            "stage_probabilities": {
                "registered": "0.10",
                "qualified": "0.25",
                "proposal": "0.50",
                "negotiation": "0.75",
            },
            "at_risk_threshold": "0.80",
            "is_default": True,
            "updated_at": None,
            "version": 0,
        }
        body = {"total_index": "3.0", "stage_probabilities": {"qualified": "0.30"}, "at_risk_threshold": "0.9"}
        put = await client.put(url, json=body, headers=own)
        assert put.status_code == 200
        got = (await client.get(url, headers=token("admin"))).json()
        assert (got["total_index"], got["risk_adjusted_index"], got["at_risk_threshold"]) == ("3.0", "1.0", "0.9")
        assert got["stage_probabilities"]["qualified"] == "0.30"
        assert got["stage_probabilities"]["proposal"] == "0.50"  # stages left out keep their default
        assert got["is_default"] is False

        other_vendor, partner = token("vendor", vendor_id=unique("v")), token("partner", partner_id="p-1")
        assert (await client.get(url, headers=other_vendor)).status_code == 404
        assert (await client.put(url, json=body, headers=other_vendor)).status_code == 404
        assert (await client.get(url, headers=partner)).status_code == 403
        assert (await client.put(url, json=body, headers=partner)).status_code == 403

        invalid = await client.put(
            url, json={"total_index": "-1", "stage_probabilities": {"proposal": "1.5", "won": "1"}}, headers=own
        )
        assert invalid.status_code == 422
        locs = sorted(tuple(e["loc"]) for e in invalid.json()["errors"])
        assert locs == [
            ("body", "stage_probabilities", "proposal"),
            ("body", "stage_probabilities", "won"),
            ("body", "total_index"),
        ]


async def test_rollups_are_the_vendors_own(service_client, token) -> None:
    vendor = unique("v")
    params = {"vendor_id": vendor, "period": PERIOD, "by": "region"}
    async with service_client("pipeline") as (client, _):
        assert (await client.get("/v1/rollups", params=params, headers=token("vendor", vendor_id=vendor))).json()[
            "items"
        ] == []
        other_vendor = token("vendor", vendor_id=unique("v"))
        assert (await client.get("/v1/rollups", params=params, headers=other_vendor)).status_code == 404
        partner = token("partner", partner_id="p-1")
        assert (await client.get("/v1/rollups", params=params, headers=partner)).status_code == 403


async def test_lead_waterfall(service_client, token) -> None:
    async with service_client("pipeline") as (client, _):
        body = {
            "revenue_target": "1000000",
            "avg_deal_size": "50000",
            "win_rate": "0.25",
            "lead_to_opportunity_rate": "0.10",
            "existing_pipeline": "400000",
        }
        response = await client.post("/v1/lead-waterfall", json=body, headers=token("partner", partner_id="p-1"))
        assert response.status_code == 200
        # 1000000 - 400000 x 0.25 = 900000; 18 deals; 72 opportunities; 720 leads
        assert response.json() == {
            "remaining_revenue": "900000.00",
            "deals_needed": 18,
            "opportunities_needed": 72,
            "leads_needed": 720,
        }
        bad = await client.post("/v1/lead-waterfall", json={**body, "win_rate": "0"}, headers=token("admin"))
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["body", "win_rate"]
