"""Each integration test gets its own topics, so its own consumer groups.

A test's in-process app then reads only that test's events from offset zero, and nothing an
earlier test left in a shared group (a member still leaving, committed offsets, a backlog of
other tests' events) can hold back or hide them. Creating a test's topics takes about 40 ms;
they are deleted afterwards so the broker does not collect thousands of partitions.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient

from events.topics import TopicNames


@pytest.fixture
async def topic_prefix(infra: Any, run_id: str) -> AsyncIterator[str]:
    from devstack.infra import create_topics

    prefix = f"{run_id}.{uuid.uuid4().hex[:6]}."
    await create_topics(infra, prefix)
    yield prefix
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap, client_id="test-topics")
    with contextlib.suppress(Exception):  # tidiness only: a leftover topic harms no other test
        await admin.start()
        await admin.delete_topics(list(TopicNames(prefix).all_with_partitions()))
    with contextlib.suppress(Exception):
        await admin.close()
