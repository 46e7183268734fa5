"""v1.1 "Trust and money" on incentives, against the real PostgreSQL and Kafka.

The program of record, proposals' programs only for later deals, currencies kept apart in
earnings and payouts, strict cursors, neutralised CSV, If-Match on programs, one answer for
unknown and foreign reps, and programs seen only by partners enrolled with their vendor.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from incentives_helpers import DealFeed, enrol, make_program, new_vendor, rewards

from events.envelope import CloudEvent
from events.topics import TopicNames
from incentives.consumers import deal_events_consumer
from support.events import deal_data, deal_event
from support.kafka import eventually

TODAY = datetime.now(UTC).date()


async def _ledger_items(client: Any, headers: dict[str, str], deal_id: str) -> list[dict[str, Any]]:
    r = await client.get(f"/v1/deals/{deal_id}/rewards", headers=headers)
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


async def _program(client: Any, headers: dict[str, str], program_id: str) -> dict[str, Any]:
    r = await client.get(f"/v1/programs/{program_id}", headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


async def test_the_program_of_record_governs_a_deal_whatever_programs_appear_later(
    service_client, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives") as (client, _):
        wide = await make_program(client, admin, vendor, budget="10000.00")
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2, partner_id="p-rec", rep_id="rep-rec")
        await deal.send("deal-registered")
        await eventually(lambda: _has(client, admin, deal.id, "registration"), timeout=30)
        # A program for this very partner, starting in the past, appears while the deal is in flight.
        own = await make_program(
            client, admin, vendor, partner_id="p-rec", budget="5000.00", registration_reward_pct="50"
        )
        await deal.send("stage-advanced", stage="qualified")
        await deal.send("deal-rejected", status="rejected", reason="duplicate")
        await eventually(lambda: _has(client, admin, deal.id, "clawback"), timeout=30)
        items = await _ledger_items(client, admin, deal.id)
        assert {i["program_id"] for i in items} == {wide["id"]}
        assert [i["amount"] for i in items] == ["937.50", "62.50", "-1000.00"]
        # The clawback credited the budget that paid; the later program was never charged nor credited.
        assert (await _program(client, admin, wide["id"]))["spent"] == "0.00"
        later_program = await _program(client, admin, own["id"])
        assert (later_program["spent"], later_program["remaining"]) == ("0.00", "5000.00")
        # A deal registered from now on is the partner's own program's.
        later = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2, partner_id="p-rec", rep_id="rep-rec")
        await later.send("deal-registered")
        await eventually(lambda: _has(client, admin, later.id, "registration"), timeout=30)
        assert [(i["program_id"], i["amount"]) for i in await _ledger_items(client, admin, later.id)] == [
            (own["id"], "1875.00")  # 3000.00 x 50 % x 1.25
        ]


async def _has(client: Any, headers: dict[str, str], deal_id: str, key: str) -> bool:
    return key in await rewards(client, headers, deal_id)


def _records(topic: str, events: list[CloudEvent]) -> list[ConsumerRecord[bytes, bytes]]:
    out = []
    for offset, event in enumerate(events):
        raw = event.to_json()
        out.append(ConsumerRecord(topic, 0, offset, 0, 0, (event.subject or "").encode(), raw, None, 0, len(raw), []))
    return out


@pytest.mark.parametrize("path", ["batch", "one-by-one"])
async def test_both_reward_paths_keep_the_program_of_record(
    service_client, vendor, admin, infra, topic_prefix, path
) -> None:
    async with service_client("incentives") as (client, app):
        wide = await make_program(client, admin, vendor, budget="10000.00")
        consumer = deal_events_consumer(
            topics=TopicNames(topic_prefix),
            bootstrap_servers=infra.kafka_bootstrap,
            sessions=app.state.sessions,
            name=f"incentives-test-{uuid.uuid4().hex[:8]}",
        )
        topic = topic_prefix + "deals.v1"
        data = deal_data(vendor_id=vendor, partner_id="p-two", rep_id="rep-two")

        async def apply(events: list[CloudEvent]) -> None:
            records = _records(topic, events)
            if path == "batch":
                await consumer.handle_batch(records)
            else:
                for record in records:
                    await consumer.handle_record(record)

        await apply([deal_event("deal-registered", data)])
        own = await make_program(client, admin, vendor, partner_id="p-two", budget="5000.00")
        advanced = {**data, "stage": "proposal", "version": 2}
        rejected = {**advanced, "status": "rejected", "version": 3}
        await apply([deal_event("stage-advanced", advanced), deal_event("deal-rejected", rejected)])
        items = await _ledger_items(client, admin, data["id"])
        assert [(i["program_id"], i["kind"]) for i in items] == [(wide["id"], "registration")] + [
            (wide["id"], "stage_bonus")
        ] * 2 + [(wide["id"], "clawback")]
        assert (await _program(client, admin, wide["id"]))["spent"] == "0.00"
        assert (await _program(client, admin, own["id"]))["remaining"] == "5000.00"


async def test_an_approved_proposal_takes_only_deals_registered_after_its_approval(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    partner = token("partner", sub="rep-byo", partner_id="p-byo")
    before = datetime.now(UTC) - timedelta(seconds=5)
    if before.date() != TODAY:
        pytest.skip("too close to midnight UTC for a same-day registration before approval")
    async with service_client("incentives") as (client, _):
        body = {
            "program": {
                "vendor_id": vendor,
                "name": "mine",
                "currency": "USD",
                "starts_on": TODAY.isoformat(),
                "ends_on": (TODAY + timedelta(days=30)).isoformat(),
                "registration_reward_pct": "5",
                "tier_multipliers": {"1": "1", "2": "1", "3": "1"},
                "budget": "10000.00",
                "cap_per_deal": "500.00",
            },
            "forecast": {"expected_registrations": 100, "win_rate": "0.5", "avg_deal_amount": "10000.00",
                         "avg_margin_pct": "20"},
        }  # fmt: skip
        r = await client.post("/v1/program-proposals", json=body, headers=partner)
        assert (r.status_code, r.json()["status"]) == (201, "approved"), r.text
        program_id = r.json()["program_id"]
        old = DealFeed(
            infra.kafka_bootstrap, topic_prefix, vendor, partner_id="p-byo", rep_id="rep-byo", created_at=before
        )
        new = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, partner_id="p-byo", rep_id="rep-byo")
        for deal in (old, new):
            await deal.send("deal-registered")
            await deal.send("deal-approved", status="approved")
        await eventually(lambda: _has(client, admin, new.id, "registration"), timeout=30)
        # Paid on approval only: 3000.00 x 5 %.
        assert [(i["program_id"], i["amount"]) for i in await _ledger_items(client, admin, new.id)] == [
            (program_id, "150.00")
        ]
        assert await _ledger_items(client, admin, old.id) == []


async def test_earnings_keep_currencies_apart_and_payouts_are_one_per_currency(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor, currency="USD", ends_on="2026-12-31", budget="10000.00")
        await make_program(client, admin, vendor, currency="EUR", starts_on="2027-01-01", budget="10000.00")
        june = datetime(2026, 6, 1, tzinfo=UTC)
        usd = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, rep_id="rep-multi", created_at=june)
        eur = DealFeed(
            infra.kafka_bootstrap, topic_prefix, vendor, rep_id="rep-multi", currency="EUR",
            created_at=datetime(2027, 2, 1, tzinfo=UTC),
        )  # fmt: skip
        await usd.send("deal-registered")
        await eur.send("deal-registered")
        for deal in (usd, eur):
            await eventually(lambda d=deal: _has(client, admin, d.id, "registration"), timeout=30)
        r = await client.get("/v1/reps/rep-multi/earnings", headers=admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["currency"], body["net"]) == (None, None)
        assert {c: f["net"] for c, f in body["by_currency"].items()} == {"EUR": "937.50", "USD": "937.50"}
        r = await client.get("/v1/reps/rep-multi/earnings", params={"currency": "EUR"}, headers=admin)
        assert (r.json()["currency"], r.json()["net"], list(r.json()["by_currency"])) == ("EUR", "937.50", ["EUR"])
        r = await client.get("/v1/reps/rep-multi/earnings", params={"currency": "eur"}, headers=admin)
        assert r.status_code == 422

        r = await client.post("/v1/payouts", json={"vendor_id": vendor}, headers=vendor_headers)
        assert r.status_code == 201, r.text
        made = r.json()["payouts"]
        assert [(p["currency"], p["total"]) for p in made] == [("EUR", "937.50"), ("USD", "937.50")]
        for summary in made:
            payout = (await client.get(f"/v1/payouts/{summary['id']}", headers=vendor_headers)).json()
            assert payout["totals"] == {summary["currency"]: "937.50"}
            assert {line["currency"] for line in payout["lines"]} == {summary["currency"]}
        r = await client.get("/v1/reps/rep-multi/earnings", headers=admin)
        assert {c: f["unpaid"] for c, f in r.json()["by_currency"].items()} == {"EUR": "0.00", "USD": "0.00"}


async def test_csv_cells_are_neutralised_and_amounts_kept(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    evil = '=HYPERLINK("http://evil.example","x")'
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor)
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, rep_id=evil, partner_id="@p-at")
        await deal.send("deal-registered")
        await eventually(lambda: _has(client, admin, deal.id, "registration"), timeout=30)
        payout = (await client.post("/v1/payouts", json={"vendor_id": vendor}, headers=vendor_headers)).json()
        r = await client.get(f"/v1/payouts/{payout['id']}/lines.csv", headers=vendor_headers)
        assert r.status_code == 200
        rows = list(csv.reader(io.StringIO(r.text)))
        assert rows[1][1:4] == ["'" + evil, "'@p-at", "937.50"]


def _cursor(value: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


async def test_crafted_cursors_are_422_never_500(service_client, admin) -> None:
    async with service_client("incentives") as (client, _):
        for path, cursor in (
            ("/v1/ledger", _cursor({"seq": "x"})),
            ("/v1/ledger", _cursor({"seq": 1e300})),
            ("/v1/ledger", _cursor({"seq": True})),
            ("/v1/ledger", _cursor({"seq": 2**70})),
            ("/v1/ledger", "%%%not-base64"),
            ("/v1/ledger", _cursor([1])),
            ("/v1/programs", _cursor({"starts_on": "nope", "id": "x"})),
            ("/v1/programs", _cursor({"starts_on": 5, "id": "x"})),
            ("/v1/programs", _cursor({"starts_on": "2026-01-01", "id": 7})),
        ):
            r = await client.get(path, params={"cursor": cursor}, headers=admin)
            assert r.status_code == 422, (path, cursor, r.status_code, r.text)
            assert r.json()["errors"][0]["loc"] == ["query", "cursor"]


async def test_programs_honour_if_match(service_client, token, vendor) -> None:
    vendor_headers = token("vendor", sub="mgr", vendor_id=vendor)
    async with service_client("incentives") as (client, _):
        program = await make_program(client, vendor_headers, vendor, ends_on="2027-12-31")
        url = f"/v1/programs/{program['id']}"
        assert program["version"] == 1
        r = await client.patch(url, json={"name": "renamed"}, headers={**vendor_headers, "If-Match": "2"})
        assert (r.status_code, r.json()["current_version"]) == (412, 1)
        change = {"name": "renamed", "ends_on": "2027-06-30"}
        r = await client.patch(url, json=change, headers={**vendor_headers, "If-Match": "1"})
        assert (r.status_code, r.json()["version"], r.json()["ends_on"]) == (200, 2, "2027-06-30"), r.text
        # The same stale write again loses: no lost update.
        r = await client.patch(url, json={"name": "stale"}, headers={**vendor_headers, "If-Match": "1"})
        assert r.status_code == 412
        r = await client.patch(url, json={"ends_on": "2025-01-01"}, headers=vendor_headers)
        assert r.status_code == 422
        other = token("vendor", sub="mgr", vendor_id="another-vendor")
        assert (await client.patch(url, json={"name": "x"}, headers=other)).status_code == 404
        assert (await client.get(url, headers=vendor_headers)).json()["name"] == "renamed"


async def test_an_unknown_rep_and_another_tenants_rep_get_the_same_answer(
    service_client, token, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor)
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, partner_id="p-a", rep_id="rep-of-a")
        await deal.send("deal-registered")
        await eventually(lambda: _has(client, admin, deal.id, "registration"), timeout=30)
        intruder = token("partner", sub="rep-b", partner_id="p-b")
        foreign = await client.get("/v1/reps/rep-of-a/earnings", headers=intruder)
        unknown = await client.get(f"/v1/reps/rep-{uuid.uuid4().hex}/earnings", headers=intruder)
        assert foreign.status_code == unknown.status_code == 404
        assert foreign.json()["detail"] == unknown.json()["detail"]
        owner = token("partner", sub="rep-of-a", partner_id="p-a")
        mine = await client.get("/v1/reps/rep-of-a/earnings", headers=owner)
        assert (mine.status_code, mine.json()["net"]) == (200, "937.50")


async def test_a_partner_sees_only_programs_of_its_vendors(service_client, token, admin, infra, topic_prefix) -> None:
    mine, theirs = new_vendor(), new_vendor()
    partner = token("partner", sub="rep-1", partner_id="p-enrolled")
    async with service_client("incentives") as (client, _):
        visible = await make_program(client, admin, mine)
        hidden = await make_program(client, admin, theirs)
        assert (await client.get(f"/v1/programs/{visible['id']}", headers=partner)).status_code == 404
        # Enrolled with `mine` (tier 1, then an update to version 3, then a stale version 2 replayed).
        await enrol(infra.kafka_bootstrap, topic_prefix, "p-enrolled", mine, tier=1)
        await enrol(infra.kafka_bootstrap, topic_prefix, "p-enrolled", mine, tier=3, version=3)
        await enrol(infra.kafka_bootstrap, topic_prefix, "p-enrolled", mine, tier=2, version=2)

        async def listed() -> list[str] | None:
            r = await client.get("/v1/programs", headers=partner)
            ids = [p["id"] for p in r.json()["items"]]
            return ids or None

        assert await eventually(listed, timeout=30) == [visible["id"]]
        assert (await client.get(f"/v1/programs/{visible['id']}", headers=partner)).status_code == 200
        assert (await client.get(f"/v1/programs/{hidden['id']}", headers=partner)).status_code == 404
        r = await client.get("/v1/programs", params={"vendor_id": theirs}, headers=partner)
        assert r.json()["items"] == []
        # The highest version is kept: tier 3, not the stale version 2. An enrolment with a third
        # vendor, on the same partition after it, tells when version 2 was consumed.
        third = new_vendor()
        await enrol(infra.kafka_bootstrap, topic_prefix, "p-enrolled", third, tier=1)
        policy_of_third = f"/v1/vendors/{third}/incentive-policy"
        await eventually(lambda: _status(client, partner, policy_of_third, 200), timeout=30)
        assert await _gate_tier(client, admin, mine) == 3
        assert (await client.get(f"/v1/vendors/{mine}/incentive-policy", headers=partner)).status_code == 200
        assert (await client.get(f"/v1/vendors/{theirs}/incentive-policy", headers=partner)).status_code == 404


async def _status(client: Any, headers: dict[str, str], url: str, status: int) -> bool:
    return bool((await client.get(url, headers=headers)).status_code == status)


async def _gate_tier(client: Any, headers: dict[str, str], vendor: str) -> int:
    # The gate judges at the partner's own tier (from its enrolment); unknown, at the highest multiplier's (1 here).
    body = {
        "program": {
            "vendor_id": vendor, "partner_id": "p-enrolled", "name": "probe", "currency": "USD",
            "starts_on": (TODAY + timedelta(days=3650)).isoformat(),
            "ends_on": (TODAY + timedelta(days=3651)).isoformat(),
            "registration_reward_pct": "1", "budget": "100.00", "cap_per_deal": "10.00",
            "tier_multipliers": {"1": "1.2", "2": "1.1", "3": "1.0"},
        },
        "forecast": {"expected_registrations": 1, "win_rate": "0", "avg_deal_amount": "0.00", "avg_margin_pct": "0"},
    }  # fmt: skip
    r = await client.post("/v1/program-proposals", json=body, headers=headers)
    assert r.status_code == 201, r.text
    tier: int = r.json()["gate"]["tier"]
    return tier
