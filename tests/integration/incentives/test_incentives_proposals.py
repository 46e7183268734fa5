"""Partners' build-your-own programs: approved at once when the ROI meets the vendor's bar."""

from __future__ import annotations

from typing import Any

from incentives_helpers import PROGRAM, new_vendor

FORECAST = {
    "expected_registrations": 100,
    "win_rate": "0.5",
    "avg_deal_amount": "10000.00",
    "avg_margin_pct": "20",
    "tier_mix": {"1": "1"},
}


def proposal(vendor: str, **program: Any) -> dict[str, Any]:
    spec = {**PROGRAM, "vendor_id": vendor, "stage_bonuses": {}, "close_won_pct": "0", "budget": "60000.00"}
    return {"program": {**spec, **program}, "forecast": FORECAST}


async def test_a_proposal_meeting_min_roi_becomes_the_partners_program(service_client, token) -> None:
    vendor = new_vendor()
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        r = await client.put(f"/v1/vendors/{vendor}/incentive-policy", json={"min_roi": "5"}, headers=vendor_headers)
        assert r.status_code == 200, r.text
        # ROI (500000.00 - 50000.00) / 50000.00 = 9 >= 5: approved at once.
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert r.status_code == 201, r.text
        body = r.json()
        assert (body["status"], body["roi"], body["partner_id"]) == ("approved", "9.0000", "p-byo")
        program = (await client.get(f"/v1/programs/{body['program_id']}", headers=partner)).json()
        assert (program["partner_id"], program["remaining"]) == ("p-byo", "60000.00")
        listed = (await client.get("/v1/programs", params={"vendor_id": vendor}, headers=partner)).json()
        assert [p["id"] for p in listed["items"]] == [body["program_id"]]
        other = token("partner", sub="rep-9", partner_id="p-other")
        assert (await client.get("/v1/programs", params={"vendor_id": vendor}, headers=other)).json()["items"] == []
        # A second one for the same partner and time overlaps its own program.
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert r.status_code == 409


async def test_a_proposal_below_min_roi_waits_for_the_vendor(service_client, token) -> None:
    vendor = new_vendor()
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        await client.put(f"/v1/vendors/{vendor}/incentive-policy", json={"min_roi": "10"}, headers=vendor_headers)
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert (r.status_code, r.json()["status"], r.json()["program_id"]) == (201, "pending", None)
        proposal_id = r.json()["id"]
        r = await client.post(
            f"/v1/program-proposals/{proposal_id}/decision", json={"decision": "approved"}, headers=partner
        )
        assert r.status_code == 403
        r = await client.post(
            f"/v1/program-proposals/{proposal_id}/decision", json={"decision": "approved"}, headers=vendor_headers
        )
        assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["program_id"]
        r = await client.post(
            f"/v1/program-proposals/{proposal_id}/decision", json={"decision": "rejected"}, headers=vendor_headers
        )
        assert r.status_code == 409
        other = token("partner", sub="rep-9", partner_id="p-other")
        assert (await client.get(f"/v1/program-proposals/{proposal_id}", headers=other)).status_code == 404
