"""Issue 15, pipeline side, against the real PostgreSQL and Kafka: the enrolment read model
(partners.v1), plans only for enrolled partners, currencies kept apart, If-Match on plans and
policies, at-risk re-evaluated when a policy changes, and bounded plan amounts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pipeline_scenario import PERIOD, deal, enrol, figures, put_plan, send, unique, wait_for_figures
from sqlalchemy import text

from pipeline.rebuild import rebuild
from support.kafka import events_of, eventually, read_topic


async def rollup(client: httpx.AsyncClient, headers: dict[str, str], vendor: str, by: str) -> list[dict[str, Any]]:
    response = await client.get(
        "/v1/rollups", params={"vendor_id": vendor, "period": PERIOD, "by": by}, headers=headers
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def enrolment_row(app: Any, partner: str, vendor: str) -> dict[str, Any] | None:
    async with app.state.engine.connect() as conn:
        row = (
            await conn.execute(
                text(
                    "SELECT tier, territory, version FROM partner_enrolments WHERE partner_id = :p AND vendor_id = :v"
                ),
                {"p": partner, "v": vendor},
            )
        ).first()
    return None if row is None else dict(row._mapping)


async def test_enrolments_are_kept_by_version_group_rollups_and_survive_a_rebuild(
    service_client, token, infra, topic_prefix
) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, app):
        # A deal whose data.partner shows older terms (tier 1, west) than the enrolment will.
        old = deal(vendor, partner, amount="1000.00")
        old["partner"] = {"id": partner, "tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-1"}
        await send(infra, topic_prefix, "deal-registered", old)
        await wait_for_figures(client, headers, partner, vendor, open_deals=1)
        later = datetime.now(UTC) + timedelta(seconds=1)
        await enrol(infra, topic_prefix, vendor, partner, tier=1, updated_at=later - timedelta(seconds=1))
        await enrol(
            infra, topic_prefix, vendor, partner,
            event_type="partner-updated", version=2, tier=3, territory="east", updated_at=later,
        )  # fmt: skip
        # A replayed older event arriving last never rolls the terms back.
        await enrol(infra, topic_prefix, vendor, partner, version=1, tier=1, updated_at=later)

        async def regrouped() -> bool:
            assert [(i["key"], i["open_deals"]) for i in await rollup(client, headers, vendor, "tier")] == [("3", 1)]
            assert [i["key"] for i in await rollup(client, headers, vendor, "territory")] == ["east"]
            assert await enrolment_row(app, partner, vendor) == {"tier": 3, "territory": "east", "version": 2}
            return True

        await eventually(regrouped, timeout=30)

        async def all_three_recorded() -> bool:  # the replayed v1 changes nothing, so wait for its record
            async with app.state.engine.connect() as conn:
                claimed = await conn.execute(
                    text("SELECT count(*) FROM processed_events WHERE consumer = 'pipeline-enrolments'")
                )
                assert claimed.scalar_one() == 3  # each event recorded once, with its effect
            return True

        await eventually(all_three_recorded, timeout=30)

        # The rebuild restores the read model from partners.v1 (here: after it was lost).
        async with app.state.engine.begin() as conn:
            await conn.execute(text("DELETE FROM partner_enrolments WHERE vendor_id = :v"), {"v": vendor})
        assert (await put_plan(client, headers, partner, vendor, wait_for_enrolment=False)).status_code == 404
        report = await rebuild(app.state.settings)
        assert report.enrolments >= 3
        assert await enrolment_row(app, partner, vendor) == {"tier": 3, "territory": "east", "version": 2}
        assert (await put_plan(client, headers, partner, vendor, wait_for_enrolment=False)).status_code == 200
        assert [i["key"] for i in await rollup(client, headers, vendor, "tier")] == ["3"]


async def test_a_plan_needs_the_partners_enrolment_with_that_vendor(service_client, token, infra, topic_prefix) -> None:
    vendor, other_vendor, partner = unique("v"), unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    url = f"/v1/plans/{partner}/{PERIOD}"
    async with service_client("pipeline") as (client, _):
        # Enrolled with another vendor only: this vendor's plan for it does not exist.
        await enrol(infra, topic_prefix, other_vendor, partner)
        assert (
            await put_plan(client, token("vendor", vendor_id=other_vendor), partner, other_vendor)
        ).status_code == 200
        refused = await put_plan(client, headers, partner, vendor, wait_for_enrolment=False)
        assert refused.status_code == 404
        assert refused.headers["content-type"] == "application/problem+json"
        for who in (headers, token("admin"), token("partner", partner_id=partner)):
            assert (await client.get(url, params={"vendor_id": vendor}, headers=who)).status_code == 404
        # Once its enrolment event has arrived (dealreg publishes it after its PUT), the plan can be set.
        await enrol(infra, topic_prefix, vendor, partner)
        created = await put_plan(client, headers, partner, vendor, "2500.00")
        assert (created.status_code, created.json()["version"]) == (200, 1)
        own = await client.get(url, params={"vendor_id": vendor}, headers=token("partner", partner_id=partner))
        assert own.status_code == 200 and own.json()["revenue_target"] == "2500.00"


async def test_currencies_are_never_added_together(service_client, token, infra, topic_prefix) -> None:
    vendor, partner, no_plan = unique("v"), unique("p"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        assert (await put_plan(client, headers, partner, vendor, "10000.00", currency="USD")).status_code == 200
        await send(infra, topic_prefix, "deal-registered", deal(vendor, partner, amount="10000.00", currency="USD"))
        await send(infra, topic_prefix, "deal-registered", deal(vendor, partner, amount="1000000.00", currency="JPY"))
        # The example: USD 10,000 + JPY 1,000,000 against a USD plan.
        jpy = {"JPY": {"pipeline_total": "1000000.00", "closed_won": "0.00", "open_deals": 1}}
        body = await wait_for_figures(client, headers, partner, vendor, other_currencies=jpy)
        assert (body["pipeline_total"], body["open_deals"], body["currency"]) == ("10000.00", 1, "USD")
        assert (body["risk_adjusted_pipeline"], body["coverage"]) == ("1000.00", "0.1000")  # USD deal only
        assert body["avg_deal_size"] == "10000.00"

        # Rollups count the plan's currency too, by partner and by any grouping.
        for by in ("partner", "territory"):
            [item] = await rollup(client, headers, vendor, by)
            assert (item["pipeline_total"], item["plan"], item["currency"]) == ("10000.00", "10000.00", "USD")
            assert item["other_currencies"] == jpy and item["other_plans"] == {}

        # Without a plan: the currency most of the period's deals are in; the rest apart.
        for amount, currency in (("5.00", "EUR"), ("7.00", "EUR"), ("300.00", "USD")):
            await send(infra, topic_prefix, "deal-registered", deal(vendor, no_plan, amount=amount, currency=currency))
        usd = {"USD": {"pipeline_total": "300.00", "closed_won": "0.00", "open_deals": 1}}
        body = await wait_for_figures(client, headers, no_plan, vendor, other_currencies=usd)
        assert (body["currency"], body["pipeline_total"], body["open_deals"], body["plan"]) == ("EUR", "12.00", 2, None)


async def test_if_match_guards_plans_and_policies(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    plan_url = f"/v1/plans/{partner}/{PERIOD}"
    policy_url = f"/v1/vendors/{vendor}/pipeline-policy"
    body = {"vendor_id": vendor, "revenue_target": "1000.00", "currency": "USD"}
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        assert (await put_plan(client, headers, partner, vendor, "1000.00")).json()["version"] == 1
        stale = await client.put(
            plan_url, json={**body, "revenue_target": "9.00"}, headers={**headers, "If-Match": "0"}
        )
        assert stale.status_code == 412 and stale.json()["current_version"] == 1
        bad = await client.put(plan_url, json=body, headers={**headers, "If-Match": "²".encode()})
        assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["header", "If-Match"]
        ok = await client.put(
            plan_url, json={**body, "revenue_target": "2000.00"}, headers={**headers, "If-Match": '"1"'}
        )
        assert (ok.status_code, ok.json()["version"]) == (200, 2)
        lost_update = await client.put(plan_url, json=body, headers={**headers, "If-Match": "1"})
        assert lost_update.status_code == 412
        now = await client.get(plan_url, params={"vendor_id": vendor}, headers=headers)
        assert (now.json()["revenue_target"], now.json()["version"]) == ("2000.00", 2)  # nothing changed

        # Policies: version 0 while the defaults apply.
        policy = {"at_risk_threshold": "0.70"}
        assert (await client.put(policy_url, json=policy, headers={**headers, "If-Match": "1"})).status_code == 412
        assert (await client.put(policy_url, json=policy, headers={**headers, "If-Match": "*"})).status_code == 412
        first = await client.put(policy_url, json=policy, headers={**headers, "If-Match": "0"})
        assert (first.status_code, first.json()["version"]) == (200, 1)
        second = await client.put(policy_url, json={"at_risk_threshold": "0.60"}, headers={**headers, "If-Match": "1"})
        assert (second.status_code, second.json()["version"]) == (200, 2)
        late = await client.put(policy_url, json={"at_risk_threshold": "0.10"}, headers={**headers, "If-Match": "1"})
        assert late.status_code == 412
        bad = await client.put(policy_url, json=policy, headers={**headers, "If-Match": "1.0"})
        assert bad.status_code == 422
        current = await client.get(policy_url, headers=headers)
        assert (current.json()["at_risk_threshold"], current.json()["version"]) == ("0.60", 2)


async def test_a_policy_change_re_evaluates_at_risk_at_once(service_client, token, infra, topic_prefix) -> None:
    vendor, partner, calm = unique("v"), unique("p"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    policy_url = f"/v1/vendors/{vendor}/pipeline-policy"
    async with service_client("pipeline") as (client, _):
        for p in (partner, calm):
            await enrol(infra, topic_prefix, vendor, p)
            await put_plan(client, headers, p, vendor, "10000.00")
        # 12000 in negotiation (x 0.75) against a plan of 10000: coverage 0.90, above the default 0.80.
        await send(infra, topic_prefix, "deal-approved", deal(vendor, partner, amount="12000.00", status="approved",
                                                               stage="negotiation"))  # fmt: skip
        # 20000 in negotiation: coverage 1.50, above every threshold used here.
        await send(infra, topic_prefix, "deal-approved", deal(vendor, calm, amount="20000.00", status="approved",
                                                               stage="negotiation"))  # fmt: skip
        await wait_for_figures(client, headers, partner, vendor, coverage="0.9000")
        await wait_for_figures(client, headers, calm, vendor, coverage="1.5000")

        # No deal event follows: the policy change alone must announce the fall below 0.95 ...
        raised = await client.put(policy_url, json={"at_risk_threshold": "0.95"}, headers=headers)
        assert raised.status_code == 200

        def at_risk(records: list[Any]) -> list[Any]:
            """The at-risk events the policy changes caused (each plan, set before any deal, put
            its partner at risk under the default 0.80 once already)."""
            return [
                e
                for e in events_of(records)
                if e.type == "pipeline-at-risk"
                and e.data["vendor_id"] == vendor
                and e.data["at_risk_threshold"] != "0.80"
            ]

        records = await read_topic(infra.kafka_bootstrap, topic_prefix + "pipeline.v1", lambda r: bool(at_risk(r)))
        [event] = at_risk(records)
        assert (event.subject, event.data["period"], event.data["coverage"]) == (partner, PERIOD, "0.9000")
        assert event.data["at_risk_threshold"] == "0.95"

        # ... the recovery when it is lowered again, and so a second fall is announced again.
        assert (await client.put(policy_url, json={"at_risk_threshold": "0.50"}, headers=headers)).status_code == 200
        assert (await client.put(policy_url, json={"at_risk_threshold": "0.99"}, headers=headers)).status_code == 200

        def settled(records: list[Any]) -> bool:
            return len(at_risk(records)) >= 2

        records = await read_topic(infra.kafka_bootstrap, topic_prefix + "pipeline.v1", settled)
        assert [(e.subject, e.data["at_risk_threshold"]) for e in at_risk(records)] == [
            (partner, "0.95"),
            (partner, "0.99"),
        ]
        updates = [
            e.data["at_risk"]
            for e in events_of(records)
            if e.type == "pipeline-updated" and e.subject == partner and e.data["at_risk_threshold"] == "0.50"
        ]
        assert updates == [False]  # the recovery, recorded by the second policy change


async def test_plan_amounts_are_bounded(service_client, token, infra, topic_prefix) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, _):
        await enrol(infra, topic_prefix, vendor, partner)
        largest = "999999999999999.99"  # 15 digits before the point: stored and served
        assert (await put_plan(client, headers, partner, vendor, largest)).status_code == 200
        body = await figures(client, headers, partner, vendor)
        assert (body["plan"], body["pipeline_target"]) == (largest, "1999999999999999.98")
        for too_big in ("1000000000000000.00", "1e16", "99999999999999999999999"):
            response = await put_plan(client, headers, partner, vendor, too_big, wait_for_enrolment=False)
            assert response.status_code == 422, (too_big, response.text)
            assert response.json()["errors"][0]["loc"] == ["body", "revenue_target"]
        assert (await figures(client, headers, partner, vendor))["plan"] == largest  # nothing changed
