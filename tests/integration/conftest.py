"""Each integration test gets its own topics, so its own consumer groups.

A test's in-process app then reads only that test's events from offset zero, and nothing an
earlier test left in a shared group (a member still leaving, committed offsets, a backlog of
other tests' events) can hold back or hide them. Creating a test's topics takes about 40 ms.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest


@pytest.fixture
async def topic_prefix(infra: Any, run_id: str) -> str:
    from devstack.infra import create_topics

    prefix = f"{run_id}.{uuid.uuid4().hex[:6]}."
    await create_topics(infra, prefix)
    return prefix
