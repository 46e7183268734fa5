"""Kafka delivers again: a consumer group reset to the beginning of deals.v1 changes nothing,
and a malformed record goes to the dead-letter topic while its partition keeps flowing."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from rel_client import RegistrationClient
from rel_infra import PrivateInfra, admin_headers
from scene import ledger_entries, registered_on_topic, registration_rewards, rollups

from devstack.processes import Stack
from devstack.tokens import dev_token
from events.kafka import client_options
from support.events import deal_data, deal_event
from support.kafka import eventually, group_offsets, read_topic
from support.scenario import create_program, partner_profile, registration

VENDOR = "redeliver-v"
PARTNER = "p-redeliver"


async def _scene(stack: Stack, deals: int) -> set[str]:
    """A vendor with a program, a partner, and some registered deals."""
    urls = {name: proc.url for name, proc in stack.services.items()}
    admin = admin_headers()
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.put(
            f"{urls['dealreg']}/v1/partners/{PARTNER}", json=partner_profile(vendor_id=VENDOR), headers=admin
        )
        assert r.status_code in (200, 201), r.text
        async with httpx.AsyncClient(base_url=urls["incentives"]) as incentives:
            r = await incentives.get("/v1/programs", params={"vendor_id": VENDOR}, headers=admin)
            if not r.json()["items"]:
                await create_program(incentives, admin, vendor_id=VENDOR)
        partner = {"Authorization": f"Bearer {dev_token('partner', sub='rep-redeliver', partner_id=PARTNER)}"}
        client = RegistrationClient(urls["dealreg"], partner)
        outcomes = [
            await client.register(http, registration(f"Redelivery {n} {id(client)}", vendor_id=VENDOR))
            for n in range(deals)
        ]
    return {o.deal_id for o in outcomes if o.deal_id}


async def _end_offsets(bootstrap: str, topic: str) -> dict[int, int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, **client_options(), enable_auto_commit=False)
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        if not tps:
            await consumer._client.force_metadata_update()
            tps = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
        ends = await consumer.end_offsets(tps)
    finally:
        await consumer.stop()
    return {tp.partition: offset for tp, offset in ends.items()}


async def _commit_beginning(bootstrap: str, group: str, topic: str, partitions: list[int]) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, **client_options(), group_id=group, enable_auto_commit=False
    )
    await consumer.start()
    try:
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        await consumer.commit(dict.fromkeys(tps, 0))
    finally:
        await consumer.stop()


async def _caught_up(bootstrap: str, group: str, topic: str, ends: dict[int, int]) -> bool:
    committed = await group_offsets(bootstrap, group, topic)
    return all(committed.get(p, 0) >= end for p, end in ends.items() if end > 0)


async def _state(stack: Stack) -> tuple[list[Any], Any, Any]:
    admin = admin_headers()
    async with httpx.AsyncClient(timeout=30) as http:
        ledger = sorted(
            (e["id"], e["deal_id"], e["kind"], e["amount"], e["event_id"])
            for e in await ledger_entries(http, stack.services["incentives"].url, admin)
        )
        pipeline = [await rollups(http, stack.services["pipeline"].url, admin, v) for v in (VENDOR, "acme")]
        deals = {}
        for vendor in (VENDOR, "acme"):
            r = await http.get(
                f"{stack.services['pipeline'].url}/v1/partners/{PARTNER}/pipeline",
                params={"vendor_id": vendor, "period": "2030Q1"},
                headers=admin,
            )
            assert r.status_code == 200, r.text
            deals[vendor] = {k: v for k, v in r.json().items() if k != "as_of"}
    return ledger, pipeline, deals


async def _open_deals(stack: Stack, expected: int | None = None) -> Any:
    """The partner's open deal count at pipeline (or whether it equals `expected`)."""
    async with httpx.AsyncClient(timeout=10) as http:
        r = await http.get(
            f"{stack.services['pipeline'].url}/v1/partners/{PARTNER}/pipeline",
            params={"vendor_id": VENDOR, "period": "2030Q1"},
            headers=admin_headers(),
        )
    assert r.status_code == 200, r.text
    count = int(r.json()["open_deals"])
    return count if expected is None else count == expected


async def test_a_consumer_group_reset_to_the_beginning_changes_no_ledger_or_read_model(
    rel_stack: Stack, private_infra: PrivateInfra
) -> None:
    bootstrap = private_infra.infra.kafka_bootstrap
    topic = rel_stack.topic_prefix + "deals.v1"
    deal_ids = await _scene(rel_stack, 12)
    assert await registered_on_topic(bootstrap, topic, deal_ids) == deal_ids
    ends = await _end_offsets(bootstrap, topic)
    groups = {name: rel_stack.topic_prefix + name for name in ("incentives", "pipeline")}
    for group in groups.values():
        await eventually(partial(_caught_up, bootstrap, group, topic, ends), timeout=60, interval=0.5)
    admin = admin_headers()
    async with httpx.AsyncClient(timeout=30) as http:
        rewards = registration_rewards(await ledger_entries(http, rel_stack.services["incentives"].url, admin))
    assert all(rewards[d] == 1 for d in deal_ids), "the scene is rewarded once before the reset"
    before = await _state(rel_stack)

    for name, group in groups.items():
        proc = rel_stack.services[name]
        await asyncio.to_thread(proc.stop)
        await _commit_beginning(bootstrap, group, topic, sorted(ends))
        assert set((await group_offsets(bootstrap, group, topic)).values()) == {0}
        proc.start()
    await asyncio.to_thread(rel_stack.wait_ready, 60)
    for group in groups.values():
        await eventually(partial(_caught_up, bootstrap, group, topic, ends), timeout=60, interval=0.5)

    after = await _state(rel_stack)
    assert after[0] == before[0], "the ledger is unchanged by redelivery"
    assert after[1] == before[1], "pipeline rollups are unchanged by redelivery"
    assert after[2] == before[2], "the partner's pipeline figures are unchanged by redelivery"


async def test_a_malformed_record_is_dead_lettered_and_its_partition_keeps_flowing(
    rel_stack: Stack, private_infra: PrivateInfra
) -> None:
    bootstrap = private_infra.infra.kafka_bootstrap
    topic = rel_stack.topic_prefix + "deals.v1"
    await _scene(rel_stack, 0)
    open_before = await _open_deals(rel_stack)
    poison = b'{"specversion": "1.0", "type": "deal-registered", "data": {not json'
    good = deal_data(vendor_id=VENDOR, partner_id=PARTNER, rep_id="rep-after-poison")
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, **client_options())
    await producer.start()
    try:
        sent = await producer.send_and_wait(topic, value=poison, key=good["id"].encode(), partition=2)
        after = await producer.send_and_wait(
            topic, value=deal_event("deal-registered", good).to_json(), key=good["id"].encode(), partition=2
        )
    finally:
        await producer.stop()
    assert (sent.partition, after.partition) == (2, 2) and after.offset > sent.offset

    dlq = await read_topic(
        bootstrap,
        topic + ".dlq",
        until=lambda rs: (
            {dict(r.headers).get("dlq-consumer") for r in rs if r.value == poison} >= {b"incentives", b"pipeline"}
        ),
    )
    dead = [r for r in dlq if r.value == poison]
    consumers = {dict(r.headers)["dlq-consumer"].decode() for r in dead}
    assert {"incentives", "pipeline"} <= consumers, consumers
    for record in dead:
        headers = dict(record.headers)
        assert headers["dlq-reason"].startswith(b"malformed CloudEvent"), headers["dlq-reason"]
        assert headers["dlq-original-offset"] == str(sent.offset).encode()
        assert headers["dlq-original-partition"] == b"2"

    admin = admin_headers()
    async with httpx.AsyncClient(timeout=10) as http:

        async def rewarded() -> Any:
            r = await http.get(f"{rel_stack.services['incentives'].url}/v1/deals/{good['id']}/rewards", headers=admin)
            assert r.status_code == 200, r.text
            return r.json()["items"]

        items: Any = await eventually(rewarded, timeout=30)
        assert [(i["kind"], i["amount"]) for i in items] == [("registration", "937.50")]

        await eventually(lambda: _open_deals(rel_stack, open_before + 1), timeout=30)
