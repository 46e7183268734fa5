"""Deal events over real Kafka into the real database: the rules, the cap, the budget, clawbacks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from incentives_helpers import DealFeed, make_program, rewards
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from support.kafka import events_of, eventually, read_topic


async def test_stage_bonuses_skipped_stages_and_close_bonus(service_client, vendor, admin, infra, topic_prefix) -> None:
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor)
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2)
        await deal.send("deal-registered")
        # qualified is skipped: reaching proposal pays both bonuses.
        await deal.send("stage-advanced", stage="proposal", status="approved")
        await deal.send("deal-closed", stage="closed_won", status="closed", outcome="won", final_amount="12000.00")

        async def all_booked() -> dict[str, str] | None:
            got = await rewards(client, admin, deal.id)
            return got if "close" in got else None

        got = await eventually(all_booked, timeout=30)
        assert got == {
            "registration": "937.50",  # 3000.00 x 25 % x 1.25
            "stage:qualified": "62.50",  # 50.00 x 1.25, skipped but reached
            "stage:proposal": "125.00",
            "stage:negotiation": "187.50",  # skipped on the way to a won close
            "close": "300.00",  # 12000.00 x 2 % x 1.25
        }
        # The same stage again earns nothing more.
        await deal.send("stage-advanced", stage="proposal")
        r = await client.get("/v1/reps/rep-7/earnings", params={"period": _this_quarter()}, headers=admin)
        assert (r.json()["net"], r.json()["unpaid"], r.json()["paid"]) == ("1612.50", "1612.50", "0.00")
        assert r.json()["by_kind"] == {"registration": "937.50", "stage_bonus": "375.00", "close_bonus": "300.00"}
        r = await client.get("/v1/reps/rep-7/earnings", params={"period": "2019Q1"}, headers=admin)
        assert r.json()["net"] == "0.00"
        r = await client.get("/v1/reps/rep-7/earnings", params={"period": "2026Q5"}, headers=admin)
        assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "period"]
    records = await read_topic(
        infra.kafka_bootstrap,
        topic_prefix + "incentives.v1",
        until=lambda rs: sum(r.key == deal.id.encode() for r in rs) >= 5,
    )
    mine = [e for e in events_of(records) if e.subject == deal.id]
    assert sorted(e.data["kind"] for e in mine) == [
        "close_bonus",
        "registration",
        "stage_bonus",
        "stage_bonus",
        "stage_bonus",
    ]
    assert {e.type for e in mine} == {"reward-earned"}


async def test_rejection_claws_back_everything_and_frees_the_budget(
    service_client, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives") as (client, _):
        program = await make_program(client, admin, vendor, budget="10000.00")
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2, rep_id="rep-claw")
        await deal.send("deal-registered")
        await deal.send("stage-advanced", stage="qualified")
        await deal.send("deal-rejected", status="rejected", reason="duplicate")

        async def clawed() -> dict[str, str] | None:
            got = await rewards(client, admin, deal.id)
            return got if "clawback" in got else None

        got = await eventually(clawed, timeout=30)
        assert got == {"registration": "937.50", "stage:qualified": "62.50", "clawback": "-1000.00"}
        r = await client.get("/v1/reps/rep-claw/earnings", headers=admin)
        body = r.json()
        assert (body["earned"], body["clawed_back"], body["net"]) == ("1000.00", "1000.00", "0.00")
        r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
        assert (r.json()["spent"], r.json()["remaining"]) == ("0.00", "10000.00")
        # A later stage on a clawed-back deal earns nothing.
        await deal.send("stage-advanced", stage="negotiation")
    records = await read_topic(
        infra.kafka_bootstrap,
        topic_prefix + "incentives.v1",
        until=lambda rs: any(r.key == deal.id.encode() and b"reward-clawed-back" in (r.value or b"") for r in rs),
    )
    clawbacks = [e for e in events_of(records) if e.subject == deal.id and e.type == "reward-clawed-back"]
    assert [e.data["amount"] for e in clawbacks] == ["-1000.00"]


async def test_cap_per_deal_and_budget_cut_rewards_and_say_why(
    service_client, vendor, admin, infra, topic_prefix
) -> None:
    async with service_client("incentives") as (client, _):
        program = await make_program(client, admin, vendor, cap_per_deal="1000.00", budget="1500.00")
        first = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2)
        await first.send("deal-registered")
        await first.send("stage-advanced", stage="proposal")
        await eventually(lambda: _has(client, admin, first.id, "stage:proposal"), timeout=30)
        second = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2)
        await second.send("deal-registered")
        await eventually(lambda: _has(client, admin, second.id, "registration"), timeout=30)

        r = await client.get(f"/v1/ledger?program_id={program['id']}", headers=admin)
        items = {(i["deal_id"], i["kind"], i["stage"]): i for i in r.json()["items"]}
        cut_by_cap = items[first.id, "stage_bonus", "proposal"]
        assert (cut_by_cap["amount"], cut_by_cap["cut"], cut_by_cap["cut_reason"]) == ("0.00", "125.00", "cap_per_deal")
        assert items[first.id, "stage_bonus", "qualified"]["amount"] == "62.50"  # exactly up to the cap
        cut_by_budget = items[second.id, "registration", None]
        assert (cut_by_budget["amount"], cut_by_budget["cut"], cut_by_budget["cut_reason"]) == (
            "500.00",
            "437.50",
            "budget_exhausted",
        )
        r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
        assert (r.json()["spent"], r.json()["remaining"]) == ("1500.00", "0.00")


def _this_quarter() -> str:
    now = datetime.now(UTC)
    return f"{now.year}Q{(now.month - 1) // 3 + 1}"


async def _has(client, headers, deal_id: str, key: str) -> bool:
    return key in await rewards(client, headers, deal_id)


async def test_ledger_tables_refuse_update_and_delete(service_client, vendor, admin, infra, topic_prefix) -> None:
    async with service_client("incentives") as (client, app):
        await make_program(client, admin, vendor, budget="5000.00")
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor)
        await deal.send("deal-registered")
        await eventually(lambda: _has(client, admin, deal.id, "registration"), timeout=30)
        for statement in (
            "UPDATE ledger_entries SET amount = 0",
            "DELETE FROM ledger_entries",
            "UPDATE ledger_postings SET amount = 0",
            "DELETE FROM ledger_transfers",
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                async with app.state.engine.begin() as conn:
                    await conn.execute(text(statement))
        async with app.state.engine.connect() as conn:
            sums = (await conn.execute(text("SELECT transfer_id, sum(amount) FROM ledger_postings GROUP BY 1"))).all()
        assert sums and all(total == 0 for _, total in sums), "every transfer's entries sum to zero"


async def test_registration_can_be_paid_on_approval(service_client, vendor, admin, infra, topic_prefix) -> None:
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor, pay_registration_on="approved")
        deal = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=3)
        await deal.send("deal-registered")
        approved = await deal.send("deal-approved", status="approved")
        await eventually(lambda: _has(client, admin, deal.id, "registration"), timeout=30)
        r = await client.get("/v1/ledger", params={"deal_id": deal.id}, headers=admin)
        [entry] = r.json()["items"]
        assert (entry["amount"], entry["event_id"]) == ("1125.00", approved)  # 3000.00 x 25 % x 1.5
