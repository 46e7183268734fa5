"""One incentives process replaying N deal-registered events: events/s and CPU per event.

N=100000 .venv/bin/python -m bench.replay_incentives   (PROFILE=1 adds cProfile; as a module:
run as a file, bench/profile.py would stand in for the standard library's profile)
"""

import asyncio
import cProfile
import os
import pstats
import time

from aiokafka import AIOKafkaProducer
from sqlalchemy import text

from bench.scratch import Scratch, scratch
from events.kafka import client_options
from support.events import deal_data, deal_event

N = int(os.environ.get("N", "1000"))


async def main() -> None:
    async with scratch("incentives", "prof") as scene:
        await replay(scene)


async def replay(scene: Scratch) -> None:
    infra, url, prefix = scene.infra, scene.url, scene.prefix
    from incentives.config import Settings
    from incentives.main import create_app

    # The service in this process authenticates as incentives (its Kafka settings are KAFKA_* lower-cased).
    service_kafka = {key.lower(): value for key, value in infra.kafka_env("incentives").items()}
    settings = Settings(database_url=url, kafka_topic_prefix=prefix, log_level="WARNING", **service_kafka)
    app = create_app(settings)
    import httpx

    from devstack.tokens import dev_token

    admin = {"Authorization": f"Bearer {dev_token('admin', sub='ops')}"}
    # produce first
    p = AIOKafkaProducer(**client_options(), bootstrap_servers=infra.kafka_bootstrap, linger_ms=5)
    await p.start()
    for i in range(N):
        ev = deal_event("deal-registered", deal_data(rep_id=f"rep-{i % 50}", partner_id=f"p-{i % 20}"))
        await p.send(prefix + "deals.v1", ev.to_json(), key=ev.subject.encode())
    await p.flush()
    await p.stop()
    prof = cProfile.Profile()
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            r = await c.post(
                "/v1/programs",
                json={
                    "vendor_id": "acme",
                    "name": "P",
                    "currency": "USD",
                    "starts_on": "2020-01-01",
                    "ends_on": "2030-12-31",
                    "registration_reward_pct": "25",
                    "tier_multipliers": {"1": "1.0", "2": "1.25", "3": "1.5"},
                },
                headers=admin,
            )
            assert r.status_code == 201, r.text
        t0 = time.perf_counter()
        c0 = time.process_time()
        if os.environ.get("PROFILE"):
            prof.enable()
        while True:
            async with app.state.engine.connect() as conn:
                n = await conn.scalar(text("select count(*) from processed_events"))
            if n >= N:
                break
            await asyncio.sleep(0.2)
        prof.disable()
        dt = time.perf_counter() - t0
        cpu = time.process_time() - c0
    print(f"{N} events in {dt:.2f}s = {N / dt:.0f} ev/s; cpu {cpu / N * 1000:.1f} ms/event")
    if os.environ.get("PROFILE"):
        st = pstats.Stats(prof)
        st.sort_stats("tottime").print_stats(30)


asyncio.run(main())
