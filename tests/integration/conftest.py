"""Each integration test gets its own topics, so its own consumer groups.

The in-process apps of a run would otherwise share one group per service: an app stopped while
it was still joining its group can stay a member for a while, holding partitions that the next
test's app then never reads (seen as a test waiting in vain for its figures). Creating a test's
topics takes about 40 ms.
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
