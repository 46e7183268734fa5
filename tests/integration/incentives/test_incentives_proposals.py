"""Partners' build-your-own programs: bounded by the vendor's incentive policy, judged on the lowest numbers.

v1.1 (Trust and money): a proposal must carry a budget and a cap, start today or later, stay
within every ceiling, pay registration on approval and claw back on reject; its ROI gate
takes the lowest of the forecast, the vendor's assumption and the partner's history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from incentives_helpers import PROGRAM, DealFeed

from support.kafka import eventually

TODAY = datetime.now(UTC).date()
FORECAST = {
    "expected_registrations": 100,
    "win_rate": "0.5",
    "avg_deal_amount": "10000.00",
    "avg_margin_pct": "20",
    "tier_mix": {"1": "1"},
}
# Within the default ceilings (10 %, x1.5, 50000.00 budget, 2500.00 cap).
MODEST = {
    "registration_reward_pct": "5",
    "tier_multipliers": {"1": "1.0", "2": "1.0", "3": "1.25"},
    "stage_bonuses": {},
    "close_won_pct": "0",
    "budget": "10000.00",
    "cap_per_deal": "500.00",
    "starts_on": TODAY.isoformat(),
    "ends_on": (TODAY + timedelta(days=365)).isoformat(),
}


def proposal(vendor: str, forecast: dict[str, Any] | None = None, **program: Any) -> dict[str, Any]:
    spec = {key: value for key, value in PROGRAM.items() if key != "pay_registration_on"}
    return {"program": {**spec, "vendor_id": vendor, **MODEST, **program}, "forecast": forecast or FORECAST}


async def test_the_abuse_case_is_refused_naming_every_field(service_client, token, vendor) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-greedy")
    abuse = {
        "program": {
            **PROGRAM,
            "vendor_id": vendor,
            "registration_reward_pct": "100",
            "tier_multipliers": {"1": "10", "2": "10", "3": "10"},
            "clawback_on_reject": False,
            "pay_registration_on": "registered",
        },
        "forecast": {
            "expected_registrations": 1,
            "win_rate": "1",
            "avg_deal_amount": "99999999999999.99",
            "avg_margin_pct": "100",
        },
    }
    async with service_client("incentives") as (client, _):
        r = await client.post("/v1/program-proposals", json=abuse, headers=partner)
        assert r.status_code == 422, r.text
        fields = {tuple(e["loc"]) for e in r.json()["errors"]}
        assert fields == {
            ("body", "program", name)
            for name in (
                "budget",
                "cap_per_deal",
                "starts_on",
                "registration_reward_pct",
                "tier_multipliers",
                "pay_registration_on",
                "clawback_on_reject",
            )
        }
        # Nothing was stored: the partner has no program.
        listed = await client.get("/v1/programs", params={"vendor_id": vendor}, headers=token("admin", sub="ops"))
        assert listed.json()["items"] == []


async def test_a_modest_proposal_is_approved_on_the_lowest_numbers(service_client, token, vendor, admin) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    async with service_client("incentives") as (client, _):
        # No policy: the defaults (min_roi 3, win rate 0.2, avg deal 10000.00, margin 20).
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert r.status_code == 201, r.text
        body = r.json()
        # Gate: win rate 0.2 (not the forecast's 0.5), tier 3 (x1.25: no enrolment known), every stage reached.
        # 100 deals x 2000.00 margin x 5 % x 1.25 = 12500.00 > budget: payout 10000.00;
        # revenue 100 x 0.2 x 10000.00 = 200000.00; ROI (200000 - 10000) / 10000 = 19.
        assert (body["status"], body["roi"], body["partner_id"], body["version"]) == ("approved", "19.0000", "p-byo", 1)
        assert body["gate"]["win_rate"] == "0.2"
        assert body["program"]["pay_registration_on"] == "approved"
        program = (await client.get(f"/v1/programs/{body['program_id']}", headers=admin)).json()
        assert (program["partner_id"], program["remaining"], program["pay_registration_on"]) == (
            "p-byo",
            "10000.00",
            "approved",
        )
        assert program["clawback_on_reject"] is True
        # A second one for the same partner and time overlaps its own program.
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert r.status_code == 409


async def test_each_ceiling_and_the_start_date_are_enforced(service_client, token, vendor) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        policy = {
            "min_roi": "2",
            "max_registration_reward_pct": "4",
            "max_tier_multiplier": "1.1",
            "max_budget": "5000.00",
            "max_cap_per_deal": "300.00",
        }
        r = await client.put(f"/v1/vendors/{vendor}/incentive-policy", json=policy, headers=vendor_headers)
        assert r.status_code == 200, r.text
        cases = {
            "registration_reward_pct": {"registration_reward_pct": "4.5"},
            "tier_multipliers": {"tier_multipliers": {"1": "1", "2": "1", "3": "1.2"}},
            "budget": {"budget": "5000.01"},
            "cap_per_deal": {"cap_per_deal": "300.01"},
            "starts_on": {"starts_on": (TODAY - timedelta(days=1)).isoformat()},
        }
        base = {"registration_reward_pct": "4", "tier_multipliers": {"1": "1", "2": "1", "3": "1.1"}}
        base |= {"budget": "5000.00", "cap_per_deal": "300.00"}
        for field, change in cases.items():
            r = await client.post("/v1/program-proposals", json=proposal(vendor, **{**base, **change}), headers=partner)
            assert r.status_code == 422, (field, r.text)
            assert [e["loc"] for e in r.json()["errors"]] == [["body", "program", field]], field
        # 16 digits before the point: beyond what is stored, 422 naming the field.
        r = await client.post(
            "/v1/program-proposals", json=proposal(vendor, **{**base, "budget": "1234567890123456.00"}), headers=partner
        )
        assert r.status_code == 422 and r.json()["errors"][0]["loc"][-1] == "budget", r.text
        r = await client.post("/v1/program-proposals", json=proposal(vendor, **base), headers=partner)
        assert (r.status_code, r.json()["status"]) == (201, "approved"), r.text


async def test_a_pending_proposal_decision_honours_if_match(service_client, token, vendor) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        r = await client.put(f"/v1/vendors/{vendor}/incentive-policy", json={"min_roi": "25"}, headers=vendor_headers)
        assert r.status_code == 200, r.text
        r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
        assert (r.status_code, r.json()["status"], r.json()["program_id"]) == (201, "pending", None), r.text
        proposal_id = r.json()["id"]
        url = f"/v1/program-proposals/{proposal_id}/decision"
        r = await client.post(url, json={"decision": "approved"}, headers=partner)
        assert r.status_code == 403
        r = await client.post(url, json={"decision": "approved"}, headers={**vendor_headers, "If-Match": "7"})
        assert (r.status_code, r.json()["current_version"]) == (412, 1)
        r = await client.post(url, json={"decision": "approved"}, headers={**vendor_headers, "If-Match": "²".encode()})
        assert r.status_code == 400
        assert (await client.get(f"/v1/program-proposals/{proposal_id}", headers=partner)).json()["status"] == "pending"
        r = await client.post(url, json={"decision": "approved"}, headers={**vendor_headers, "If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["version"]) == ("approved", 2) and r.json()["program_id"]
        r = await client.post(url, json={"decision": "rejected"}, headers=vendor_headers)
        assert r.status_code == 409
        other = token("partner", sub="rep-9", partner_id="p-other")
        assert (await client.get(f"/v1/program-proposals/{proposal_id}", headers=other)).status_code == 404


async def test_a_proposal_that_cannot_pay_for_itself_is_rejected(service_client, token, vendor) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-byo")
    tiny = {"expected_registrations": 1, "win_rate": "0.5", "avg_deal_amount": "100.00", "avg_margin_pct": "20"}
    async with service_client("incentives") as (client, _):
        r = await client.post(
            "/v1/program-proposals",
            json=proposal(vendor, forecast=tiny, stage_bonuses={"qualified": "400.00"}),
            headers=partner,
        )
        assert r.status_code == 201, r.text
        # Revenue 1 x 0.2 x 100.00 = 20.00 against 400.00 of bonus (every stage assumed reached): ROI < 0.
        assert (r.json()["status"], r.json()["program_id"]) == ("rejected", None)
        assert r.json()["decided_at"] is not None


async def test_the_incentive_policy_is_versioned_and_if_match_is_honoured(service_client, token, vendor) -> None:
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    url = f"/v1/vendors/{vendor}/incentive-policy"
    async with service_client("incentives") as (client, _):
        r = await client.get(url, headers=vendor_headers)
        assert r.status_code == 200
        assert (r.json()["version"], r.json()["min_roi"], r.json()["max_budget"]) == (0, "3", "50000.00")
        r = await client.put(url, json={"min_roi": "4", "max_budget": "9000.00"}, headers=vendor_headers)
        assert (r.status_code, r.json()["version"], r.json()["max_budget"]) == (200, 1, "9000.00")
        assert "max_budget" not in r.json()["defaults"] and "max_cap_per_deal" in r.json()["defaults"]
        r = await client.put(url, json={"min_roi": "5"}, headers={**vendor_headers, "If-Match": "0"})
        assert r.status_code == 412
        assert (await client.get(url, headers=vendor_headers)).json()["min_roi"] == "4"
        r = await client.put(url, json={"min_roi": "5"}, headers={**vendor_headers, "If-Match": "1"})
        assert (r.status_code, r.json()["version"], r.json()["max_budget"]) == (200, 2, "50000.00")
        other = token("vendor", sub="mgr", vendor_id="someone-else")
        assert (await client.put(url, json={"min_roi": "0"}, headers=other)).status_code in (403, 404)
        assert (await client.get(url, headers=other)).status_code == 404
        # A partner not enrolled with the vendor does not see its policy.
        partner = token("partner", sub="rep-1", partner_id="p-stranger")
        assert (await client.get(url, headers=partner)).status_code == 404


async def test_the_gate_takes_the_partners_own_history_once_it_has_ten_closed_deals(
    service_client, token, vendor, infra, topic_prefix
) -> None:
    partner = token("partner", sub="rep-1", partner_id="p-hist")
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        # A bar no proposal meets, so each probe stays pending and creates no program.
        await client.put(f"/v1/vendors/{vendor}/incentive-policy", json={"min_roi": "100000"}, headers=vendor_headers)
        for n in range(10):
            deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, partner_id="p-hist", margin_pct="10")
            won = n == 0
            await deal.send(
                "deal-closed",
                stage="closed_won" if won else "closed_lost",
                status="closed",
                outcome="won" if won else "lost",
                final_amount="4000.00",
            )

        async def gate() -> dict[str, Any] | None:
            r = await client.post("/v1/program-proposals", json=proposal(vendor), headers=partner)
            assert (r.status_code, r.json()["status"]) == (201, "pending"), r.text
            judged: dict[str, Any] = r.json()["gate"]
            return judged if judged["history"]["closed"] == "10" else None

        judged = await eventually(gate, timeout=30)
        # 1 won of 10 (0.1 < the assumed 0.2), won deals of 4000.00 (< 10000.00), margin 10 % (< 20 %).
        assert judged["history"]["counted"] is True
        assert (judged["win_rate"], judged["avg_deal_amount"], judged["avg_margin_pct"]) == ("0.1", "4000.00", "10")
