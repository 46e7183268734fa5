"""Each integration test gets its own topics, so its own consumer groups.

A test's in-process app then reads only that test's events from offset zero, and nothing an
earlier test left in a shared group (a member still leaving, committed offsets, a backlog of
other tests' events) can hold back or hide them. Creating a test's topics takes about 40 ms;
they are deleted afterwards so the broker does not collect thousands of partitions. The
in-process services use the admin user, so a test's topics need no per-service ACLs
(foundation/test_kafka_acls.py grants and tests them).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest


@pytest.fixture
async def topic_prefix(infra: Any, run_id: str) -> AsyncIterator[str]:
    from devstack.infra import create_topics, delete_topics

    prefix = f"{run_id}.{uuid.uuid4().hex[:6]}."
    await create_topics(infra, prefix, acls=False)
    yield prefix
    with contextlib.suppress(Exception):  # tidiness only: a leftover topic harms no other test
        await delete_topics(infra, prefix)
