"""Pipeline rebuild from N deal events (a third each registered, approved, advanced): the time it takes.

N=100000 .venv/bin/python -m bench.rebuild_pipeline
"""

import asyncio
import os
import subprocess
import sys
import time

from aiokafka import AIOKafkaProducer

from bench.scratch import Scratch, scratch
from events.kafka import client_options
from support.events import deal_data, deal_event

N = int(os.environ.get("N", "100000"))


async def main() -> None:
    async with scratch("pipeline", "rb") as scene:
        await rebuild(scene)


async def rebuild(scene: Scratch) -> None:
    infra, url, prefix = scene.infra, scene.url, scene.prefix
    p = AIOKafkaProducer(
        **client_options(), bootstrap_servers=infra.kafka_bootstrap, linger_ms=20, max_batch_size=512 * 1024
    )
    await p.start()
    t0 = time.perf_counter()
    deals = N // 3
    for i in range(deals):
        d = deal_data(partner_id=f"p-{i % 200}", rep_id=f"rep-{i % 500}")
        for etype, status, stage, version in (
            ("deal-registered", "pending_approval", "registered", 1),
            ("deal-approved", "approved", "registered", 2),
            ("stage-advanced", "approved", "qualified", 3),
        ):
            ev = deal_event(etype, {**d, "status": status, "stage": stage, "version": version})
            await p.send(prefix + "deals.v1", ev.to_json(), key=ev.subject.encode())
    await p.flush()
    await p.stop()
    print(f"produced {deals * 3} events in {time.perf_counter() - t0:.1f}s", flush=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        "KAFKA_TOPIC_PREFIX": prefix,
        "OTEL_SDK_DISABLED": "true",
        # The rebuild is pipeline's own tool: it reads deals.v1 as pipeline, not as the bench's admin.
        **infra.kafka_env("pipeline"),
    }
    t0 = time.perf_counter()
    out = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "pipeline.rebuild"], env=env, capture_output=True, text=True
    )
    print(f"rebuild wall {time.perf_counter() - t0:.1f}s rc={out.returncode}")
    print(out.stdout[-800:], out.stderr[-800:])


asyncio.run(main())
