"""Partner scorecards fed through the real Kafka: a scenario whose every figure is computed by hand
below, duplicates and replays that change nothing, weights, activity, tenancy, and a rebuild
that restores the scorecards identically."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pipeline_scenario import deal, enrol, put_plan, unique
from sqlalchemy import text

from events.envelope import new_event
from pipeline.rebuild import rebuild
from support.kafka import eventually, produce

PERIOD = "2030Q1"


def at(text_: str) -> datetime:
    return datetime.fromisoformat(text_).replace(tzinfo=UTC)


async def send(infra: Any, prefix: str, event_type: str, data: dict[str, Any], time: datetime, **kw: Any) -> str:
    event = new_event(event_type=event_type, service="dealreg", subject=data["id"], data=data, time=time, **kw)
    await produce(infra.kafka_bootstrap, prefix + "deals.v1", event.to_json(), key=data["id"].encode())
    return event.id


async def reward(
    infra: Any, prefix: str, vendor: str, partner: str, entry_id: str, amount: str, *, currency: str = "USD"
) -> None:
    kind = "clawback" if amount.startswith("-") else "registration"
    event = new_event(
        event_type="reward-clawed-back" if kind == "clawback" else "reward-earned",
        service="incentives",
        subject="d-x",
        time=at("2030-02-01T12:00:00"),
        data={
            "entry_id": f"{vendor}-{entry_id}", "deal_id": "d-x", "rep_id": "rep-1",
            "partner_id": partner, "vendor_id": vendor,
            "program_id": "prog-1", "kind": kind, "stage": None, "amount": amount, "currency": currency,
            "source_event_id": str(uuid.uuid4()),
        },
    )  # fmt: skip
    await produce(infra.kafka_bootstrap, prefix + "incentives.v1", event.to_json(), key=b"d-x")


async def scenario(infra: Any, prefix: str, vendor: str, a: str, b: str, d: str) -> dict[str, Any]:
    """Partner a: 4 registrations in 2030Q1, partner b: 1, partner d: one in 2029Q4 only."""
    a1 = deal(vendor, a, amount="6000.00", created_at=at("2030-01-10T00:00:00"))
    await send(infra, prefix, "deal-registered", a1, at("2030-01-10T00:00:00"))
    await send(infra, prefix, "deal-approved", {**a1, "status": "approved", "version": 2}, at("2030-01-10T10:00:00"))
    a1_won = {**a1, "status": "closed", "stage": "closed_won", "outcome": "won", "final_amount": "5000.00"}
    await send(
        infra, prefix, "deal-closed", {**a1_won, "closed_on": "2030-01-20", "version": 3}, at("2030-01-20T00:00:00")
    )

    a2 = deal(vendor, a, amount="1500.00", created_at=at("2030-01-11T00:00:00"), conflict=True)
    await send(infra, prefix, "deal-registered", a2, at("2030-01-11T00:00:00"))
    await send(infra, prefix, "deal-approval-overdue", a2, at("2030-01-13T02:00:00"))
    await send(infra, prefix, "deal-rejected", {**a2, "status": "rejected", "version": 2}, at("2030-01-13T12:00:00"))

    a3 = deal(vendor, a, amount="1000.00", created_at=at("2030-02-01T00:00:00"))
    await send(infra, prefix, "deal-registered", a3, at("2030-02-01T00:00:00"))
    await send(infra, prefix, "deal-approved", {**a3, "status": "approved", "version": 2}, at("2030-02-01T20:00:00"))
    a3_lost = {**a3, "status": "closed", "stage": "closed_lost", "outcome": "lost", "closed_on": "2030-03-03"}
    await send(infra, prefix, "deal-closed", {**a3_lost, "version": 3}, at("2030-03-03T00:00:00"))

    a4 = deal(vendor, a, amount="2000.00", created_at=at("2030-02-05T00:00:00"))
    await send(infra, prefix, "deal-registered", a4, at("2030-02-05T00:00:00"))

    b1 = deal(vendor, b, amount="3000.00", created_at=at("2030-01-15T00:00:00"))
    await send(infra, prefix, "deal-registered", b1, at("2030-01-15T00:00:00"))
    await send(infra, prefix, "deal-approved", {**b1, "status": "approved", "version": 2}, at("2030-01-16T16:00:00"))
    b1_won = {**b1, "status": "closed", "stage": "closed_won", "outcome": "won", "final_amount": "3000.00"}
    await send(
        infra, prefix, "deal-closed", {**b1_won, "closed_on": "2030-02-14", "version": 3}, at("2030-02-14T00:00:00")
    )

    d1 = deal(vendor, d, amount="500.00", created_at=at("2029-12-01T00:00:00"), expected_close_date="2029-12-20")
    await send(infra, prefix, "deal-registered", d1, at("2029-12-01T00:00:00"))

    await reward(infra, prefix, vendor, a, "e-1", "100.00")
    await reward(infra, prefix, vendor, a, "e-2", "50.00")
    await reward(infra, prefix, vendor, a, "e-3", "-30.00")
    await reward(infra, prefix, vendor, a, "e-4", "10.00", currency="EUR")
    return a2


# Partner a (plan 10000.00 USD): decisions after 10 h (a1), 60 h (a2, rejected, conflict, overdue),
# 20 h (a3); a1 won 5000.00 after 10 days, a3 lost after 30 days, a4 pending (2000.00 open).
A_METRICS = {
    "registrations": 4, "approved": 2, "rejected": 1, "approval_rate": "0.6667",
    "median_hours_to_decision": "20.00", "sla_breaches": 1, "conflict_rate": "0.2500",
    "won": 1, "lost": 1, "win_rate": "0.5000", "avg_deal_size": "5000.00", "avg_cycle_days": "20.00",
    "sales_velocity": "500.00",  # 4 registrations x 5000.00 x 0.5 / 20 days
    "coverage": "0.0200",  # (2000.00 x 0.10) / (1.0 x 10000.00)
    "performance_to_plan": "0.5000",  # 5000.00 / 10000.00
    "rewards_net": "120.00", "other_rewards": {"EUR": "10.00"}, "active": True, "currency": "USD",
}  # fmt: skip
# Partner b (no plan): decided after 40 h, won 3000.00 after 30 days.
B_METRICS = {
    "registrations": 1, "approved": 1, "rejected": 0, "approval_rate": "1.0000",
    "median_hours_to_decision": "40.00", "sla_breaches": 0, "conflict_rate": "0.0000",
    "won": 1, "lost": 0, "win_rate": "1.0000", "avg_deal_size": "3000.00", "avg_cycle_days": "30.00",
    "sales_velocity": "100.00", "coverage": None, "performance_to_plan": None, "rewards_net": None,
}  # fmt: skip
# Percentiles of a / b / c (c enrolled, idle): registrations 4/1/0 -> 100/50/0; rejected (fewer is
# better) 1/0/0 -> 0/75/75; won 1/1/0 -> 75/75/0; ... a's 16 percentiles sum to 825 (score 825 / 16),
# b's 13 to 700 (700 / 13), c's 6 to 225 (225 / 6).
SCORES = {"a": "51.56", "b": "53.85", "c": "37.50"}


def pick(body: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: body[k] for k in expected}


def cards(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The ranking's items without their as_of (the time of the read)."""
    return [{k: v for k, v in item.items() if k != "as_of"} for item in body["items"]]


async def ranking(client: Any, headers: dict[str, str], vendor: str, **params: Any) -> dict[str, Any]:
    response = await client.get(
        "/v1/scorecards", params={"vendor_id": vendor, "period": PERIOD, **params}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_scorecards_from_kafka_by_hand_replays_and_rebuild(service_client, token, infra, topic_prefix) -> None:
    vendor = unique("v")
    a, b, c, d = (f"{vendor}-{x}" for x in "abcd")
    names = {a: "a", b: "b", c: "c"}
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, app):
        for partner in (a, b, c):
            await enrol(infra, topic_prefix, vendor, partner)
        assert (await put_plan(client, headers, a, vendor)).status_code == 200
        a2 = await scenario(infra, topic_prefix, vendor, a, b, d)

        async def settled() -> dict[str, Any]:
            body = await ranking(client, headers, vendor)
            assert {names.get(i["partner_id"]): i["score"] for i in body["items"]} == SCORES
            assert pick(body["items"][1], A_METRICS) == A_METRICS
            return body

        before = await eventually(settled, timeout=60)
        items = before["items"]
        assert [names[i["partner_id"]] for i in items] == ["b", "a", "c"]
        assert pick(items[0], B_METRICS) == B_METRICS
        assert items[1]["peer"]["registrations"] == {"percentile": "100.00", "median": "1.00"}
        assert items[1]["peer"]["win_rate"] == {"percentile": "0.00", "median": "0.7500"}
        assert items[1]["peer"]["median_hours_to_decision"] == {"percentile": "100.00", "median": "30.00"}
        assert items[2]["registrations"] == 0 and items[2]["active"] is False and items[2]["win_rate"] is None

        # Duplicates and replays change nothing: a2's overdue and rejection and reward e-1 again (new
        # event ids), then markers behind them on the same keys (a2's version 3, a zero reward entry).
        await send(infra, topic_prefix, "deal-approval-overdue", a2, at("2030-01-14T02:00:00"))
        rejected = {**a2, "status": "rejected"}
        await send(infra, topic_prefix, "deal-rejected", {**rejected, "version": 2}, at("2030-01-13T12:00:00"))
        await send(infra, topic_prefix, "deal-rejected", {**rejected, "version": 3}, at("2030-01-15T12:00:00"))
        await reward(infra, topic_prefix, vendor, a, "e-1", "100.00")
        await reward(infra, topic_prefix, vendor, a, "e-5", "0.00")

        async def markers_arrived() -> bool:
            async with app.state.engine.connect() as conn:
                version = text("SELECT last_sequence FROM deals WHERE deal_id = :d")
                assert (await conn.execute(version, {"d": a2["id"]})).scalar() == 3
                entry = text("SELECT count(*) FROM scorecard_reward_entries WHERE entry_id = :e")
                assert (await conn.execute(entry, {"e": f"{vendor}-e-5"})).scalar() == 1
            return True

        await eventually(markers_arrived, timeout=30)
        assert cards(await ranking(client, headers, vendor)) == cards(before)

        # Activity: a and b active in 2030Q1, d only in 2029Q4 (lapsed).
        activity = (
            await client.get(f"/v1/vendors/{vendor}/partner-activity", params={"period": PERIOD}, headers=headers)
        ).json()
        assert {k: v for k, v in activity.items() if k not in {"trend", "vendor_id", "period"}} == {
            "enrolled": 3, "active": 2, "producing": 2, "newly_active": 2, "lapsed": 1, "attrition_rate": "1.0000",
        }  # fmt: skip
        assert [t["period"] for t in activity["trend"]] == ["2029Q2", "2029Q3", "2029Q4", "2030Q1"]
        assert pick(activity["trend"][2], {"enrolled": 0, "active": 0, "newly_active": 0, "lapsed": 0}) == {
            "enrolled": 4, "active": 1, "newly_active": 1, "lapsed": 0,
        }  # fmt: skip

        # Rebuild: damage every scorecard table, rebuild, and get the same scorecards back.
        snapshot = await ranking(client, headers, vendor)
        async with app.state.engine.begin() as conn:
            await conn.execute(text("DELETE FROM scorecard_periods WHERE vendor_id = :v"), {"v": vendor})
            await conn.execute(text("UPDATE scorecard_reward_totals SET net = 0 WHERE vendor_id = :v"), {"v": vendor})
            await conn.execute(text("UPDATE scorecard_deals SET overdue = false WHERE vendor_id = :v"), {"v": vendor})
        assert cards(await ranking(client, headers, vendor)) != cards(snapshot)
        await rebuild(app.state.settings)
        assert cards(await ranking(client, headers, vendor)) == cards(snapshot) == cards(before)


async def test_weights_sort_pagination_and_problems(service_client, token, infra, topic_prefix) -> None:
    vendor = unique("v")
    a, b, c = (f"{vendor}-{x}" for x in "abc")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        for i, partner in enumerate((a, b, c)):
            await enrol(infra, topic_prefix, vendor, partner, tier=1 if i < 2 else 3)
        t = at("2030-01-05T00:00:00")
        for partner, wins in ((a, 1), (b, 2), (c, 0)):
            for n in range(wins + 1):
                data = deal(vendor, partner, created_at=t, tier=3 if partner == c else 1)
                await send(infra, topic_prefix, "deal-registered", data, t)
                if n < wins:
                    closed = {
                        **data,
                        "status": "closed",
                        "stage": "closed_won",
                        "outcome": "won",
                        "final_amount": "10.00",
                    }
                    await send(
                        infra,
                        topic_prefix,
                        "deal-closed",
                        {**closed, "closed_on": "2030-01-15", "version": 2},
                        t + timedelta(days=10),
                    )

        async def three() -> dict[str, Any]:
            body = await ranking(client, headers, vendor, sort="won")
            # Registrations too: c, enrolled, ranks with 0 won before its one deal is folded in.
            assert [(i["won"], i["registrations"]) for i in body["items"]] == [(2, 3), (1, 2), (0, 1)]
            return body

        await eventually(three, timeout=60)
        weights = await client.get(f"/v1/vendors/{vendor}/scorecard-weights", headers=headers)
        assert weights.json()["version"] == 0 and weights.json()["is_default"] is True
        assert set(weights.json()["weights"].values()) == {"1"}

        put = await client.put(
            f"/v1/vendors/{vendor}/scorecard-weights",
            json={"weights": {"registrations": "1"}},
            headers={**headers, "If-Match": "0"},
        )
        assert put.status_code == 200 and put.json()["version"] == 1
        stale = await client.put(
            f"/v1/vendors/{vendor}/scorecard-weights",
            json={"weights": {"won": "1"}},
            headers={**headers, "If-Match": "0"},
        )
        assert stale.status_code == 412
        # Registrations only: b 3 (100), a 2 (50), c 1 (0).
        body = await ranking(client, headers, vendor)
        assert [(i["partner_id"], i["score"]) for i in body["items"]] == [(b, "100.00"), (a, "50.00"), (c, "0.00")]

        first = await ranking(client, headers, vendor, limit=2)
        assert [i["partner_id"] for i in first["items"]] == [b, a] and first["next_cursor"]
        second = await ranking(client, headers, vendor, limit=2, cursor=first["next_cursor"])
        assert [i["partner_id"] for i in second["items"]] == [c] and second["next_cursor"] is None
        east = await ranking(client, headers, vendor, tier=3)
        assert [i["partner_id"] for i in east["items"]] == [c]
        assert east["items"][0]["peer"]["registrations"]["percentile"] == "0.00"  # peers: all three

        for params, field in (
            ({"period": "2030Q5"}, "period"),
            ({"sort": "name"}, "sort"),
            ({"cursor": "xyz"}, "cursor"),
        ):
            bad = await client.get("/v1/scorecards", params={"vendor_id": vendor, **params}, headers=headers)
            assert bad.status_code == 422 and bad.headers["content-type"].startswith("application/problem+json")
            assert field in bad.text
        for weights_body, field in (({"nope": "1"}, "nope"), ({"won": "-1"}, "won"), ({"won": "0"}, "weights")):
            bad = await client.put(
                f"/v1/vendors/{vendor}/scorecard-weights", json={"weights": weights_body}, headers=headers
            )
            assert bad.status_code == 422 and field in bad.text, bad.text
        assert (await client.get(f"/v1/vendors/{vendor}/scorecard-weights", headers=headers)).json()["version"] == 1


async def test_scorecard_tenancy(service_client, token, infra, topic_prefix) -> None:
    vendor = unique("v")
    a, b = f"{vendor}-a", f"{vendor}-b"
    async with service_client("pipeline") as (client, _):
        for partner in (a, b):
            await enrol(infra, topic_prefix, vendor, partner)
            data = deal(vendor, partner, created_at=at("2030-01-05T00:00:00"))
            await send(infra, topic_prefix, "deal-registered", data, at("2030-01-05T00:00:00"))
        vendor_headers = token("vendor", vendor_id=vendor)

        async def both() -> bool:
            return len((await ranking(client, vendor_headers, vendor))["items"]) == 2

        await eventually(both, timeout=60)
        params = {"vendor_id": vendor, "period": PERIOD}
        own = await client.get(f"/v1/partners/{a}/scorecard", params=params, headers=token("partner", partner_id=a))
        assert own.status_code == 200
        assert b not in own.text  # peers only as percentiles and medians
        assert set(own.json()["peer"]["registrations"]) == {"percentile", "median"}
        for who, headers in {
            "another partner": token("partner", partner_id=b),
            "another vendor": token("vendor", vendor_id=unique("v")),
            "another aggregator": token("aggregator", partner_ids=[b]),
        }.items():
            refused = await client.get(f"/v1/partners/{a}/scorecard", params=params, headers=headers)
            assert refused.status_code == 404, who
        as_partner = await ranking(client, token("partner", partner_id=a), vendor)
        assert [i["partner_id"] for i in as_partner["items"]] == [a]
        as_aggregator = await ranking(client, token("aggregator", partner_ids=[a, b, "elsewhere"]), vendor)
        assert sorted(i["partner_id"] for i in as_aggregator["items"]) == [a, b]
        other = await client.get("/v1/scorecards", params=params, headers=token("vendor", vendor_id=unique("v")))
        assert other.status_code == 404
        activity = f"/v1/vendors/{vendor}/partner-activity"
        assert (await client.get(activity, headers=token("partner", partner_id=a))).status_code == 403
        assert (await client.get(activity, headers=token("vendor", vendor_id=unique("v")))).status_code == 404
        weights = f"/v1/vendors/{vendor}/scorecard-weights"
        refused_put = await client.put(weights, json={"weights": {"won": "1"}}, headers=token("partner", partner_id=a))
        assert refused_put.status_code == 403
