"""Figures fed by deal events through the real Kafka, read over HTTP."""

from __future__ import annotations

from typing import Any

from pipeline_scenario import EXPECTED, PERIOD, deal, enrol, put_plan, scenario_deals, send, unique, wait_for_figures

from support.kafka import events_of, eventually, read_topic


async def test_figures_follow_the_deal_events(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        assert (await put_plan(client, headers, partner, vendor)).status_code == 200
        await scenario_deals(infra, topic_prefix, vendor, partner)

        body = await wait_for_figures(client, headers, partner, vendor, **EXPECTED)
        assert body["period"] == PERIOD
        assert body["as_of"]


async def test_a_stale_or_repeated_event_changes_nothing(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        d = deal(vendor, partner, amount="3000.00")
        newer = {**d, "status": "approved", "stage": "negotiation", "amount": "8000.00", "version": 3}
        await send(infra, topic_prefix, "stage-advanced", newer)
        # An older version arriving late (and a repeat of the newest) must not win.
        await send(infra, topic_prefix, "deal-registered", d)
        await send(infra, topic_prefix, "stage-advanced", newer)
        marker = deal(vendor, partner, amount="100.00")
        await send(infra, topic_prefix, "deal-registered", marker)

        body = await wait_for_figures(client, headers, partner, vendor, open_deals=2)
        assert body["pipeline_total"] == "8100.00"
        assert body["risk_adjusted_pipeline"] == "6010.00"  # 8000 x 0.75 + 100 x 0.10
        assert body["plan"] is None and body["coverage"] is None and body["pipeline_target"] is None


async def test_a_deal_moving_to_another_quarter_leaves_the_first(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("admin")
    async with service_client("pipeline") as (client, _):
        d = deal(vendor, partner, amount="2500.00")
        await send(infra, topic_prefix, "deal-registered", d)
        await wait_for_figures(client, headers, partner, vendor, open_deals=1, pipeline_total="2500.00")
        await send(infra, topic_prefix, "deal-extended", {**d, "expected_close_date": "2030-05-01", "version": 2})
        await wait_for_figures(client, headers, partner, vendor, open_deals=0, pipeline_total="0.00")


async def test_at_risk_fires_once_per_fall_below_the_threshold(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        await put_plan(client, headers, partner, vendor)  # coverage 0: at risk
        await scenario_deals(infra, topic_prefix, vendor, partner)  # still at risk (0.32)
        await wait_for_figures(client, headers, partner, vendor, coverage="0.3200")

        big = deal(vendor, partner, amount="20000.00", status="approved", stage="negotiation")
        await send(infra, topic_prefix, "deal-approved", big)  # +15000 risk-adjusted: 1.82, recovered
        await wait_for_figures(client, headers, partner, vendor, coverage="1.8200")
        await send(infra, topic_prefix, "deal-rejected", {**big, "status": "rejected", "version": 2})
        await wait_for_figures(client, headers, partner, vendor, coverage="0.3200")

        def mine(records: list[Any]) -> list[Any]:
            return [e for e in events_of(records) if e.data.get("partner_id") == partner]

        def settled(records: list[Any]) -> bool:
            updates = [e for e in mine(records) if e.type == "pipeline-updated"]
            return bool(updates) and updates[-1].data["coverage"] == "0.3200"

        records = await read_topic(infra.kafka_bootstrap, topic_prefix + "pipeline.v1", settled, timeout=30)
        assert settled(records), " ".join(f"{e.type}:{e.data['coverage']}" for e in mine(records))
        events = mine(records)
        at_risk = [e for e in events if e.type == "pipeline-at-risk"]
        assert [e.data["coverage"] for e in at_risk] == ["0.0000", "0.3200"]
        assert all(e.subject == partner for e in events)
        flags = [e.data["at_risk"] for e in events if e.type == "pipeline-updated"]
        assert flags[0] is True and flags[-1] is True and False in flags


async def test_rollups_group_partners(service_client, token, infra, topic_prefix) -> None:
    vendor = unique("v")
    headers = token("vendor", vendor_id=vendor)
    p1, p2, p3 = unique("p"), unique("p"), unique("p")
    async with service_client("pipeline") as (client, _):
        for partner in (p1, p3):
            await enrol(infra, topic_prefix, vendor, partner)
        await put_plan(client, headers, p1, vendor, "1000.00")
        await put_plan(client, headers, p3, vendor, "500.00")
        west = {"tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-1"}
        east = {"tier": 2, "territory": "east", "region": "NA", "channel_manager": "cm-2"}
        for partner, attrs, amount in ((p1, west, "1000.00"), (p2, west, "3000.00"), (p3, east, "2000.00")):
            d = deal(vendor, partner, amount=amount)
            d["partner"] = {"id": partner, **attrs}
            await send(infra, topic_prefix, "deal-registered", d)

        async def by_territory() -> list[dict[str, Any]]:
            response = await client.get(
                "/v1/rollups", params={"vendor_id": vendor, "period": PERIOD, "by": "territory"}, headers=headers
            )
            assert response.status_code == 200, response.text
            items = response.json()["items"]
            assert [i["open_deals"] for i in items] == [1, 2]
            return list(items)

        items = await eventually(by_territory, timeout=30)
        assert isinstance(items, list)
        east_row, west_row = items
        assert (east_row["key"], east_row["plan"], east_row["pipeline_total"]) == ("east", "500.00", "2000.00")
        assert (west_row["key"], west_row["plan"], west_row["pipeline_total"]) == ("west", "1000.00", "4000.00")

        page1 = await client.get(
            "/v1/rollups", params={"vendor_id": vendor, "period": PERIOD, "by": "partner", "limit": 2}, headers=headers
        )
        page2 = await client.get(
            "/v1/rollups",
            params={"vendor_id": vendor, "period": PERIOD, "by": "partner", "cursor": page1.json()["next_cursor"]},
            headers=headers,
        )
        keys = [i["key"] for i in page1.json()["items"] + page2.json()["items"]]
        assert keys == sorted([p1, p2, p3]) and page2.json()["next_cursor"] is None

        bad = await client.get("/v1/rollups", params={"vendor_id": vendor, "by": "planet"}, headers=headers)
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["query", "by"]
