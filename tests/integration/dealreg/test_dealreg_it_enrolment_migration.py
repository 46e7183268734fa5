"""Migration 0002_enrol_dealreg keeps today's data: a database at the old head, with old-style
partners (one tier for every vendor), upgraded in place, answers with per-vendor enrolments."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import pytest
from alembic import command

from servicekit.migrate import alembic_config
from support.kafka import events_of, read_topic

OLD_HEAD = "0001"
NOW = datetime(2026, 11, 1, tzinfo=UTC)


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _alembic(action: str, url: str, revision: str) -> None:
    await asyncio.to_thread(getattr(command, action), alembic_config("dealreg", url), revision)


async def _old_deal(con: asyncpg.Connection, partner_id: str, vendor_id: str) -> str:
    deal_id = str(uuid.uuid4())
    await con.execute(
        """
        INSERT INTO deals (id, vendor_id, partner_id, rep, customer, customer_domain_key, customer_name_key, products,
            skus, currency, amount, margin_pct, margin_amount, status, stage, conflict, conflict_reasons,
            conflicting_deal_ids, approval_due_at, extensions_used, created_at, updated_at, version)
        VALUES ($1, $2, $3, $4, $5, 'old.example', 'old co', $6, ARRAY['fw-500'], 'USD', 1200, 25, 300,
            'pending_approval', 'registered', false, '{}', '{}', $7, 0, $8, $8, 1)
        """,
        deal_id, vendor_id, partner_id, orjson.dumps({"id": "rep-1", "email": None, "name": None}).decode(),
        orjson.dumps({"name": "Old Co", "domain": "old.example", "country": "US"}).decode(),
        orjson.dumps([{"sku": "FW-500", "quantity": 1, "unit_price": "1200.00"}]).decode(),
        NOW + timedelta(days=400), NOW,
    )  # fmt: skip
    return deal_id


async def test_upgrade_copies_each_partners_terms_into_an_enrolment_per_vendor(
    infra: Any, run_id: str, topic_prefix: str, service_client: Any, token: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from devstack.infra import create_databases, drop_databases

    name = f"{run_id}_dealreg_migration_{uuid.uuid4().hex[:6]}"
    await create_databases(infra, [name])
    url = infra.database_url(name)
    try:
        await _alembic("upgrade", url, OLD_HEAD)
        con = await asyncpg.connect(_dsn(url))
        try:
            insert = (
                "INSERT INTO partners (id, name, tier, territory, region, channel_manager, vendor_ids, created_at,"
                " updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 3)"
            )
            await con.execute(insert, "p-two", "Two Vendors", 2, "west", "NA", "cm-1", ["acme", "beta"], NOW)
            await con.execute(insert, "p-none", "No Vendor", 1, None, None, None, [], NOW)
            await con.execute(insert, "p-left", "Left Gamma", 3, "east", "EU", "cm-9", ["acme"], NOW)
            # p-left once worked with gamma and left it; its gamma deal is still pending.
            left_deal = await _old_deal(con, "p-left", "gamma")
        finally:
            await con.close()

        # The migration announces the enrolments on the prefix this deployment runs with.
        monkeypatch.setenv("KAFKA_TOPIC_PREFIX", topic_prefix)
        await _alembic("upgrade", url, "head")

        con = await asyncpg.connect(_dsn(url))
        try:
            rows = await con.fetch(
                "SELECT partner_id, vendor_id, tier, territory, region, channel_manager, active, version"
                " FROM partner_enrollments ORDER BY partner_id, vendor_id"
            )
            columns = {r["column_name"] for r in await con.fetch(
                "SELECT column_name FROM information_schema.columns WHERE table_name = 'partners'"
            )}  # fmt: skip
        finally:
            await con.close()
        assert [tuple(r) for r in rows] == [
            ("p-left", "acme", 3, "east", "EU", "cm-9", True, 1),
            ("p-left", "gamma", 3, "east", "EU", "cm-9", False, 1),
            ("p-two", "acme", 2, "west", "NA", "cm-1", True, 1),
            ("p-two", "beta", 2, "west", "NA", "cm-1", True, 1),
        ]
        assert columns == {"id", "name", "created_at", "updated_at", "version"}

        async with service_client("dealreg", database_url=url) as (dealreg, _):
            beta = token("vendor", sub="vb", vendor_id="beta")
            view = (await dealreg.get("/v1/partners/p-two", headers=beta)).json()
            assert (view["name"], view["tier"], view["territory"]) == ("Two Vendors", 2, "west")
            assert view["vendor_ids"] == ["beta"]
            admin_view = (await dealreg.get("/v1/partners/p-two", headers=token("admin", sub="ops"))).json()
            assert (admin_view["version"], [e["vendor_id"] for e in admin_view["enrollments"]]) == (3, ["acme", "beta"])
            gamma = token("vendor", sub="vg", vendor_id="gamma")
            assert (await dealreg.get("/v1/partners/p-left", headers=gamma)).status_code == 404, "it left gamma"
            # ... but its old gamma deal is still worked, its events carrying the terms it had.
            r = await dealreg.post(f"/v1/deals/{left_deal}/decision", json={"decision": "approve"}, headers=gamma)
            assert r.status_code == 200, r.text

            def announced(records: list[Any]) -> list[Any]:
                return [e for e in events_of(records) if e.type == "partner-enrolled"]

            records = await read_topic(
                infra.kafka_bootstrap, topic_prefix + "partners.v1", lambda rs: len(announced(rs)) >= 3
            )
            enrolled = sorted((e.data["partner_id"], e.data["vendor_id"], e.data["tier"]) for e in announced(records))
            assert enrolled == [("p-left", "acme", 3), ("p-two", "acme", 2), ("p-two", "beta", 2)]
            key = left_deal.encode()
            deal_events = await read_topic(
                infra.kafka_bootstrap, topic_prefix + "deals.v1", lambda rs: any(r.key == key for r in rs)
            )
            approved = [e for e in events_of(deal_events) if e.subject == left_deal]
            assert approved[0].data["partner"] == {
                "id": "p-left", "tier": 3, "territory": "east", "region": "EU", "channel_manager": "cm-9",
            }  # fmt: skip

        # Downgrade gives back one set of terms per partner and its vendor list.
        await _alembic("downgrade", url, OLD_HEAD)
        con = await asyncpg.connect(_dsn(url))
        try:
            back = await con.fetch("SELECT id, tier, territory, vendor_ids FROM partners ORDER BY id")
        finally:
            await con.close()
        assert [tuple(r) for r in back] == [
            ("p-left", 3, "east", ["acme"]), ("p-none", 1, None, []), ("p-two", 2, "west", ["acme", "beta"]),
        ]  # fmt: skip
    finally:
        await drop_databases(infra, [name])
