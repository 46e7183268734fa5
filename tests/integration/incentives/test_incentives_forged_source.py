"""A deal event on deals.v1 that does not come from dealreg is dead-lettered, never rewarded.

The broker's ACLs keep other services' users off deals.v1; this is the second check, in the
consumer, for whoever still gets a record there (a wide grant, a leaked admin password).
"""

from __future__ import annotations

from incentives_helpers import DealFeed, make_program, rewards

from events.envelope import new_event
from support.events import deal_data
from support.kafka import eventually, produce, read_topic


async def test_a_registration_with_a_forged_source_is_dead_lettered_not_rewarded(
    service_client, vendor, admin, infra, topic_prefix
) -> None:
    deals = topic_prefix + "deals.v1"
    async with service_client("incentives") as (client, _):
        await make_program(client, admin, vendor)
        # Any margin and any rep: what an attacker on the broker would send.
        data = deal_data(vendor_id=vendor, rep_id="rep-forger", amount="9000000.00", margin_amount="9000000.00")
        forged = new_event(event_type="deal-registered", service="incentives", subject=data["id"], data=data)
        await produce(infra.kafka_bootstrap, deals, forged.to_json(), key=data["id"].encode())
        genuine = DealFeed(infra.kafka_bootstrap, topic_prefix, vendor, tier=2)
        await genuine.send("deal-registered")

        async def genuine_rewarded() -> bool:
            return "registration" in await rewards(client, admin, genuine.id)

        await eventually(genuine_rewarded, timeout=30)
        assert await rewards(client, admin, data["id"]) == {}, "the forged registration earned nothing"
        r = await client.get("/v1/reps/rep-forger/earnings", headers=admin)
        assert r.status_code == 404  # v1.1: a rep with no reward at all answers as an unknown rep

    def dead(records):  # type: ignore[no-untyped-def]
        return [r for r in records if r.key == data["id"].encode()]

    records = dead(await read_topic(infra.kafka_bootstrap, deals + ".dlq", lambda rs: bool(dead(rs)), timeout=30))
    assert len(records) == 1
    reason = dict(records[0].headers)["dlq-reason"].decode()
    assert "/services/incentives" in reason and "/services/dealreg" in reason
