"""Kafka is an authenticated boundary: each service's user writes only its own topics and
reads only what it consumes, and anonymous clients on the read-only listener only read.

Against the local broker (infra/kafka.sh, SASL/SCRAM-SHA-512 with the StandardAuthorizer);
skipped on a broker without authentication (KAFKA_BOOTSTRAP_SERVERS without
KAFKA_SECURITY_PROTOCOL=SASL_*).
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import GroupAuthorizationFailedError, TopicAuthorizationFailedError

from devstack.infra import grant_service_acls
from events.kafka import idempotent_producer
from support.kafka import eventually
from support.scenario import create_program, put_partner, registration


@pytest.fixture
async def granted(infra: Any, topic_prefix: str) -> str:
    """This test's topics with every service's ACLs (the topic fixture deletes both afterwards)."""
    if infra.kafka_passwords is None:
        pytest.skip("the broker does not authenticate (KAFKA_SECURITY_PROTOCOL is not SASL_*)")
    await grant_service_acls(infra, topic_prefix)
    return topic_prefix


async def _send_as(infra: Any, user: str, topic: str) -> None:
    producer = idempotent_producer(infra.kafka_bootstrap, f"acl-test-{user}", security=infra.kafka_security(user))
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"{}", key=b"k")
    finally:
        await producer.stop()


async def test_one_services_credentials_cannot_write_another_services_topic(infra: Any, granted: str) -> None:
    deals, incentives, pipeline = (f"{granted}{t}" for t in ("deals.v1", "incentives.v1", "pipeline.v1"))
    # incentives forging a registration (any margin, any rep) is refused by the broker...
    with pytest.raises(TopicAuthorizationFailedError):
        await _send_as(infra, "incentives", deals)
    for user, topic in [
        ("pipeline", deals),
        ("notifications", deals),
        ("dealreg", incentives),
        ("incentives", pipeline),
    ]:
        with pytest.raises(TopicAuthorizationFailedError):
            await _send_as(infra, user, topic)
    # ...while each owner writes its own topic, and a consumer its dead-letter topic.
    await _send_as(infra, "dealreg", deals)
    await _send_as(infra, "incentives", incentives)
    await _send_as(infra, "notifications", f"{pipeline}.dlq")


async def test_a_service_cannot_read_what_it_does_not_consume(infra: Any, granted: str) -> None:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=infra.kafka_bootstrap,
        group_id=f"{granted}incentives-acl-test",
        enable_auto_commit=False,
        **infra.kafka_security("incentives").client_options(),
    )
    await consumer.start()
    try:
        deals, pipeline = TopicPartition(f"{granted}deals.v1", 0), TopicPartition(f"{granted}pipeline.v1", 0)
        consumer.assign([deals, pipeline])
        await consumer.commit({deals: 0})  # incentives reads deals.v1 in its own groups
        with pytest.raises(TopicAuthorizationFailedError):
            await consumer.commit({pipeline: 0})
    finally:
        await consumer.stop()


async def test_anonymous_clients_on_the_read_only_listener_read_but_cannot_write(infra: Any, granted: str) -> None:
    if infra.kafka_readonly_bootstrap is None:
        pytest.skip("the read-only listener of this broker is not known")
    deals = f"{granted}deals.v1"
    await _send_as(infra, "dealreg", deals)

    # As kafka-console-consumer does: a group named console-consumer-<n>.
    reader = AIOKafkaConsumer(
        deals,
        bootstrap_servers=infra.kafka_readonly_bootstrap,
        group_id=f"console-consumer-{uuid.uuid4().hex[:8]}",
        auto_offset_reset="earliest",
    )
    await reader.start()
    try:
        async with asyncio.timeout(15):
            record = await reader.getone()
        assert record.topic == deals, "anonymous tools read every topic"
    finally:
        await reader.stop()
    # A service's group is not theirs: joining it would take the service's partitions.
    intruder = AIOKafkaConsumer(
        deals, bootstrap_servers=infra.kafka_readonly_bootstrap, group_id=f"{granted}incentives"
    )
    with pytest.raises(GroupAuthorizationFailedError):
        await intruder.start()
    await intruder.stop()

    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka_readonly_bootstrap)
    await producer.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(deals, b'{"forged": true}')
    finally:
        await producer.stop()
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_readonly_bootstrap)
    await admin.start()
    try:
        response = await admin.create_topics([NewTopic(f"{granted}anonymous.v1", 1, 1)])
        assert response.topic_errors[0][1] == TopicAuthorizationFailedError.errno
    finally:
        await admin.close()


async def test_the_services_work_on_their_own_credentials(
    infra: Any, granted: str, service_client: Any, token: Any
) -> None:
    """dealreg's relay publishes and incentives consumes, each as itself: the grants suffice."""
    admin = token("admin", sub="ops")
    partner_id = f"p-{uuid.uuid4().hex[:6]}"
    partner = token("partner", sub="rep-acl", partner_id=partner_id)
    async with (
        service_client("dealreg", kafka_user="dealreg") as (dealreg, _),
        service_client("incentives", kafka_user="incentives") as (incentives, _),
    ):
        await put_partner(dealreg, admin, partner_id, tier=1)
        await create_program(incentives, admin)
        r = await dealreg.post("/v1/deals", json=registration("Acl Customer"), headers=partner)
        assert r.status_code == 201, r.text

        async def rewarded() -> bool:
            r = await incentives.get("/v1/reps/rep-acl/earnings", headers=partner)
            return r.status_code == 200 and r.json()["net"] == "750.00"  # 3000.00 x 25 % x 1.0

        await eventually(rewarded, timeout=60, interval=0.5)
