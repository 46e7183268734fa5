"""dealreg asked to stop stops, even right after a registration woke its outbox relay.

On Python 3.11, asyncio.wait_for can swallow a cancellation that lands as the awaited thing
finishes (cpython#86296). The relay waited for its next wake-up that way: a stop arriving just
as a registration's NOTIFY woke it was lost, and the relay ran on after its service had stopped
(for 15 s the stop waited for it, then left it running). The consumers' start was such a wait
too; a consumer left running keeps partitions of its group that the next instance never reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from dealreg_scene import Scene


async def test_no_worker_outlives_a_stop_right_after_a_registration(
    service_client: Callable[..., Any], make_db: Callable[..., Any], token: Callable[..., dict[str, str]]
) -> None:
    database_url = await make_db("dealreg")
    survivors: list[str] = []
    for attempt in range(8):
        before = asyncio.all_tasks()
        async with service_client("dealreg", database_url=database_url) as (client, app):
            scene = Scene(client, app, token)
            partner = await scene.partner()
            await scene.register(partner)  # commits with a NOTIFY: the relay wakes as we stop
            started = asyncio.all_tasks() - before - {asyncio.current_task()}
        survivors += [f"{t.get_name()} (attempt {attempt})" for t in started if not t.done()]
    assert survivors == []
