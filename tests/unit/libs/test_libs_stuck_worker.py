"""A worker that ignores a stop is logged with where it waits: its await chain, innermost last."""

from __future__ import annotations

import asyncio

from servicekit.app import _awaiting


async def test_the_await_chain_names_each_coroutine_down_to_the_innermost() -> None:
    release = asyncio.Event()

    async def wait_for_broker() -> None:
        await release.wait()

    async def start_consumer() -> None:
        await wait_for_broker()

    async def worker() -> None:
        await start_consumer()

    task = asyncio.create_task(worker())
    await asyncio.sleep(0)
    where = _awaiting(task)
    names = [step.rsplit(" ", 1)[-1] for step in where.split(" <- ")]
    assert names[-3:] == ["wait_for_broker", "start_consumer", "worker"]
    assert names[0] == "wait"  # asyncio.Event.wait: the innermost frame
    release.set()
    await task
