"""Kafka down: registrations are still accepted, and every event is published and
rewarded exactly once when Kafka returns (transactional outbox + idempotent consumer).

The test runs its own broker on another port, so stopping it disturbs nobody else.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from devstack.infra import create_topics, local_kafka_infra
from support.kafka import eventually, read_topic
from support.scenario import create_program, put_partner, registration

ROOT = Path(__file__).resolve().parents[3]
# Its listeners take PORT..PORT+2: clear of the reliability suite's broker (19093-19095).
PORT = int(os.environ.get("OUTAGE_KAFKA_PORT", "19192"))


def kafka(command: str) -> None:
    env = {**os.environ, "KAFKA_PORT": str(PORT), "KAFKA_HEAP": "384m"}
    subprocess.run(["bash", str(ROOT / "infra" / "kafka.sh"), command], check=True, env=env)


@pytest.fixture
async def private_broker(infra, topic_prefix):
    await asyncio.to_thread(kafka, "start")
    private = local_kafka_infra(infra.server_url, PORT)
    await create_topics(private, topic_prefix, acls=False)
    try:
        yield private
    finally:
        await asyncio.to_thread(kafka, "stop")


async def test_deals_registered_while_kafka_is_down_are_rewarded_once_it_returns(
    private_broker, service_client, token, topic_prefix
) -> None:
    admin = token("admin", sub="ops")
    partner = token("partner", sub="rep-outage", partner_id="p-outage")
    # The private broker authenticates even when the shared one does not.
    broker = {key.lower(): value for key, value in private_broker.kafka_env("admin").items()}
    broker["kafka_bootstrap_servers"] = private_broker.kafka_bootstrap
    async with (
        service_client("dealreg", **broker) as (dealreg, dealreg_app),
        service_client("incentives", **broker) as (incentives, incentives_app),
    ):
        await put_partner(dealreg, admin, "p-outage", tier=1)
        await create_program(incentives, admin)

        await asyncio.to_thread(kafka, "stop")
        deal_ids = []
        for i in range(5):
            r = await dealreg.post("/v1/deals", json=registration(f"Outage Customer {i}"), headers=partner)
            assert r.status_code == 201, r.text
            deal_ids.append(r.json()["id"])
        async with dealreg_app.state.engine.connect() as conn:
            # deals.v1 only: the partner's enrolment event (partners.v1) may or may not have left before the stop.
            unsent = await conn.scalar(
                text("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND topic LIKE '%deals.v1'")
            )
        assert unsent == 5, "events wait in the outbox while Kafka is down"
        # v1.1: Kafka away degrades the service, it does not take it out of rotation (writes go on).
        await asyncio.sleep(1.1)  # past the probe's one-second cache
        ready = await dealreg.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["kafka"] == "unavailable" and ready.json()["degraded"] is True

        await asyncio.to_thread(kafka, "start")

        async def all_rewarded() -> bool:
            r = await incentives.get("/v1/reps/rep-outage/earnings", headers=partner)
            return r.status_code == 200 and len(r.json()["deals"]) == 5

        await eventually(all_rewarded, timeout=90, interval=0.5)
        async with incentives_app.state.engine.connect() as conn:
            rows = (await conn.execute(text("SELECT deal_id, count(*) FROM ledger_entries GROUP BY deal_id"))).all()
        assert sorted(r[0] for r in rows) == sorted(deal_ids)
        assert all(r[1] == 1 for r in rows), "exactly one registration reward per deal"
        r = await incentives.get("/v1/reps/rep-outage/earnings", headers=partner)
        assert r.json()["net"] == "3750.00"  # 5 x 3000.00 x 25 % x 1.0 (tier 1)

    records = await read_topic(
        private_broker.kafka_bootstrap,
        topic_prefix + "deals.v1",
        until=lambda rs: {r.key for r in rs} >= {d.encode() for d in deal_ids},
        security=private_broker.kafka_security("admin"),
    )
    assert {r.key.decode() for r in records} >= set(deal_ids)
