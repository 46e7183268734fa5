"""GET /v1/rollups is served from the stored totals and partner attributes; what it serves equals
the rollup computed over the deals (figures.rollup), for every grouping, page after page."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import httpx
from pipeline_scenario import PERIOD, deal, enrol, put_plan, send, unique
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from test_pipeline_totals_stored import NEXT_PERIOD, mixed_events, through_both_paths, vendor_snapshots

from events.envelope import CloudEvent
from pipeline.domain.figures import GROUP_BY, rollup
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, PartnerAttributes
from pipeline.service.views import figures_json
from support.events import deal_event
from support.kafka import eventually


def attribute_events(vendor: str, p2: str, p4: str) -> list[CloudEvent]:
    """A partner whose only deal is rejected, with attributes no one else has, and a later deal
    of p2 showing new attributes (p2 regroups under them)."""
    rejected = deal(vendor, p4, amount="900.00")
    rejected["partner"] = {"id": p4, "tier": 3, "territory": "south", "region": "EU", "channel_manager": "cm-9"}
    regrouped = deal(vendor, p2, amount="100.00")
    regrouped["partner"] = {"id": p2, "tier": 1, "territory": "east", "region": "NA", "channel_manager": None}
    return [
        deal_event("deal-registered", rejected),
        deal_event("deal-rejected", {**rejected, "status": "rejected", "version": 2}),
        deal_event("deal-registered", regrouped),
    ]


async def vendor_deals(engine: AsyncEngine, vendor: str) -> dict[str, list[DealSnapshot]]:
    grouped: dict[str, list[DealSnapshot]] = {}
    for _, snapshot in await vendor_snapshots(engine, vendor):
        grouped.setdefault(snapshot.partner_id, []).append(snapshot)
    return grouped


async def served_rollup(
    client: httpx.AsyncClient, headers: dict[str, str], vendor: str, period: str, by: str
) -> list[dict[str, Any]]:
    """Every group, two per page."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"vendor_id": vendor, "period": period, "by": by, "limit": "2"}
        if cursor is not None:
            params["cursor"] = cursor
        response = await client.get("/v1/rollups", params=params, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["vendor_id"], body["period"], body["by"]) == (vendor, period, by)
        items.extend(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            return items


async def test_served_rollups_equal_the_rollups_over_the_deals(service_client, token, infra, topic_prefix) -> None:
    vendor, p1, p2, p3, p4 = unique("v"), unique("p"), unique("p"), unique("p"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    plans = {PERIOD: {p1: Decimal("10000.00"), p3: Decimal("500.00")}, NEXT_PERIOD: {}}
    async with service_client("pipeline") as (client, app):
        await enrol(infra, topic_prefix, vendor, p1)
        await enrol(infra, topic_prefix, vendor, p3, territory=None)  # a plan, no deal, no territory
        assert (await put_plan(client, headers, p1, vendor)).status_code == 200
        assert (await put_plan(client, headers, p3, vendor, "500.00")).status_code == 200  # a plan, no deal
        for event in [*mixed_events(vendor, p1, p2), *attribute_events(vendor, p2, p4)]:
            await send(infra, topic_prefix, event.type, event.data)

        async def settled() -> bool:
            by_partner = {i["key"]: i for i in await served_rollup(client, headers, vendor, PERIOD, "partner")}
            counts = {k: (i["open_deals"], i["won_deals"], i["lost_deals"]) for k, i in by_partner.items()}
            assert counts == {p1: (3, 1, 1), p2: (2, 0, 0), p3: (0, 0, 0), p4: (0, 0, 0)}
            deals = await vendor_deals(app.state.engine, vendor)
            for period in (PERIOD, NEXT_PERIOD):
                for by in GROUP_BY:
                    # v1.1: p3 has no deal, but its enrolment gives its terms.
                    computed = rollup(
                        deals,
                        plans[period],
                        PipelinePolicy(),
                        by=by,
                        period=Quarter.parse(period),
                        partner_attributes={p3: PartnerAttributes(2, None, "NA", "cm-1")},
                    )
                    # Every deal and plan is in USD: the figures are in it, nothing elsewhere (v1.1).
                    expected = [
                        {"key": key, **figures_json(replace(figures, currency="USD")), "other_plans": {}}
                        for key, figures in computed
                    ]
                    assert await served_rollup(client, headers, vendor, period, by) == expected, (period, by)
            return True

        await eventually(settled, timeout=60)
        territories = [i["key"] for i in await served_rollup(client, headers, vendor, PERIOD, "territory")]
        assert territories == ["east", "south", "west", None]  # p3, enrolled without one, is unknown: last


async def stored_attributes(engine: AsyncEngine, vendor: str) -> list[Any]:
    async with engine.connect() as conn:
        query = "SELECT * FROM partner_attributes WHERE vendor_id = :v ORDER BY partner_id"
        return list((await conn.execute(text(query), {"v": vendor})).all())


async def latest_deal_attributes(engine: AsyncEngine, vendor: str) -> list[Any]:
    async with engine.connect() as conn:
        query = (
            "SELECT DISTINCT ON (partner_id) vendor_id, partner_id, tier, territory, region, channel_manager,"
            " last_event_time FROM deals WHERE vendor_id = :v ORDER BY partner_id, last_event_time DESC"
        )
        return list((await conn.execute(text(query), {"v": vendor})).all())


async def test_the_batch_and_the_per_event_paths_keep_the_same_partner_attributes(make_db, infra, topic_prefix) -> None:
    vendor, p1, p2, p4 = unique("v"), unique("p"), unique("p"), unique("p")
    events = [*mixed_events(vendor, p1, p2), *attribute_events(vendor, p2, p4)]
    async with through_both_paths(make_db, infra, topic_prefix, events, 10) as (engine_a, engine_b):
        kept = await stored_attributes(engine_a, vendor)
        assert kept == await stored_attributes(engine_b, vendor)
        assert kept == await latest_deal_attributes(engine_a, vendor)
        assert {(r.partner_id, r.territory) for r in kept} == {(p1, "west"), (p2, "east"), (p4, "south")}
