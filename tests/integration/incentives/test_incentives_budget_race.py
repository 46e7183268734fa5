"""Two incentives processes, one consumer group, one small budget: the budget holds."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from incentives_helpers import DealFeed, make_program
from sqlalchemy import text

from events.batching import BatchItem
from events.envelope import CloudEvent
from events.topics import TopicNames
from incentives.adapters.reward_store import PgRewardStore
from incentives.service.rewards import apply_deal_events
from support.events import deal_data, deal_event
from support.kafka import eventually


async def test_two_consumers_racing_on_one_budget_never_overspend(
    service_client, make_db, vendor, admin, infra, topic_prefix
) -> None:
    url = await make_db("incentives")
    async with (
        service_client("incentives", database_url=url) as (one, app),
        service_client("incentives", database_url=url) as (two, _),
    ):
        program = await make_program(one, admin, vendor, budget="5000.00", stage_bonuses={})
        await asyncio.sleep(3)  # let the group rebalance so both instances own partitions
        deals = [DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, rep_id=f"rep-race-{i % 4}") for i in range(24)]
        await asyncio.gather(*(d.send("deal-registered") for d in deals))

        async def all_seen() -> bool:
            async with app.state.engine.connect() as conn:
                n = await conn.scalar(
                    text("SELECT count(*) FROM ledger_entries WHERE program_id = :p"), {"p": program["id"]}
                )
            return n == len(deals)

        await eventually(all_seen, timeout=60, interval=0.5)
        async with app.state.engine.connect() as conn:
            granted = await conn.scalar(
                text("SELECT sum(amount) FROM ledger_entries WHERE program_id = :p"), {"p": program["id"]}
            )
            cut = await conn.scalar(
                text("SELECT count(*) FROM ledger_entries WHERE program_id = :p AND cut_reason = 'budget_exhausted'"),
                {"p": program["id"]},
            )
        # 24 x 937.50 asked for, 5000.00 to give: exactly the budget, never a cent more.
        assert granted == Decimal("5000.00")
        assert cut == len(deals) - 5  # five whole rewards (4687.50), one partial, the rest cut to zero
        for client in (one, two):
            r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
            assert (r.json()["spent"], r.json()["remaining"]) == ("5000.00", "0.00")


async def test_concurrent_transactions_on_one_budget_never_overspend(
    service_client, make_db, vendor, admin, infra, topic_prefix
) -> None:
    """Twenty deal events applied at once, each in its own transaction and connection."""
    url = await make_db("incentives")
    async with service_client("incentives", database_url=url) as (client, app):
        program = await make_program(client, admin, vendor, budget="3000.00")
        events = [deal_event("deal-registered", deal_data(vendor_id=vendor)) for _ in range(20)]

        async def apply(event: CloudEvent) -> None:
            async with app.state.sessions() as session, session.begin():
                await apply_deal_events(
                    PgRewardStore(session), [BatchItem(event, None)], TopicNames(topic_prefix).incentives
                )

        await asyncio.gather(*(apply(e) for e in events))
        r = await client.get(f"/v1/programs/{program['id']}", headers=admin)
        assert (r.json()["spent"], r.json()["remaining"]) == ("3000.00", "0.00")
        r = await client.get("/v1/ledger", params={"program_id": program["id"], "limit": 500}, headers=admin)
        amounts = sorted(Decimal(i["amount"]) for i in r.json()["items"])
        assert sum(amounts) == Decimal("3000.00")
        assert amounts[-4:] == [Decimal("187.50")] + [Decimal("937.50")] * 3  # 3000.00 = 3 x 937.50 + 187.50
