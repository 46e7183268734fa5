"""Does registration latency grow with the number of active deals? (issue 3)

Registers deals in-process against a fresh dealreg database, first with no other deals,
then after 1M active deals of the same vendor have been bulk-loaded (distinct customers,
so the conflict lookups must find the right few among a million through the indexes).

    N_DEALS=1000000 .venv/bin/python -m bench.matching_scale
"""

import asyncio
import os
import statistics
import time

import httpx
from sqlalchemy import text

from bench.loadgen import registration_body_for
from bench.scratch import Scratch, scratch
from devstack.tokens import dev_token

N_DEALS = int(os.environ.get("N_DEALS", "1000000"))
SAMPLES = int(os.environ.get("SAMPLES", "300"))

BULK = text(
    """
    INSERT INTO deals (id, vendor_id, partner_id, rep, customer, customer_domain_key, customer_name_key,
        products, skus, currency, amount, margin_pct, margin_amount, status, stage, conflict,
        conflict_reasons, conflicting_deal_ids, approval_due_at, extensions_used, created_at, updated_at, version)
    SELECT 'bulk-' || g, 'acme', 'p-' || (g % 500), '{"id": "rep-1"}'::jsonb,
        jsonb_build_object('name', 'Customer ' || g, 'domain', 'c' || g || '.example'),
        'c' || g || '.example', 'customer ' || g, '[{"sku": "FW-500", "quantity": 1, "unit_price": "100.00"}]'::jsonb,
        ARRAY['fw-500'], 'USD', 100, 25, 25,
        CASE WHEN g % 2 = 0 THEN 'approved' ELSE 'pending_approval' END, 'registered', false,
        '{}', '{}', now() + interval '4 days', 0, now(), now(), 1
    FROM generate_series(CAST(:start AS bigint), CAST(:stop AS bigint)) AS g
    """
)


def body(customer: str) -> dict[str, object]:
    return registration_body_for(customer, f"{customer.lower().replace(' ', '')}.example")


async def timed_registrations(client: httpx.AsyncClient, label: str, partner: dict[str, str]) -> list[float]:
    latencies = []
    for i in range(SAMPLES):
        started = time.perf_counter()
        r = await client.post("/v1/deals", json=body(f"{label} Fresh {i}"), headers=partner)
        latencies.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 201, r.text
    return latencies


def summary(latencies: list[float]) -> str:
    q = statistics.quantiles(latencies, n=100)
    return f"p50 {statistics.median(latencies):.1f} ms, p99 {q[98]:.1f} ms over {len(latencies)}"


async def main() -> None:
    async with scratch("dealreg", "scale") as scene:
        await measure(scene)


async def measure(scene: Scratch) -> None:
    infra, url, run = scene.infra, scene.url, scene.run
    from dealreg.config import Settings
    from dealreg.main import create_app

    # The service in this process authenticates as dealreg (its Kafka settings are KAFKA_* lower-cased).
    service_kafka = {key.lower(): value for key, value in infra.kafka_env("dealreg").items()}
    # One scripted caller, not the public: devstack's one generous limit instead of the per-role ones.
    limits = {"rate_limit_per_minute": 60000, "rate_limit_burst": 1000}
    settings = Settings(database_url=url, kafka_topic_prefix=f"{run}.", log_level="WARNING", **service_kafka, **limits)
    app = create_app(settings)
    admin = {"Authorization": f"Bearer {dev_token('admin', sub='ops')}"}
    partner = {"Authorization": f"Bearer {dev_token('partner', sub='rep-x', partner_id='p-scale')}"}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            r = await client.put(
                "/v1/partners/p-scale", json={"name": "Scale", "tier": 2, "vendor_ids": ["acme"]}, headers=admin
            )
            assert r.status_code == 201, r.text
            empty = await timed_registrations(client, "Empty", partner)
            loaded_at = time.perf_counter()
            async with app.state.engine.begin() as conn:
                for start in range(1, N_DEALS + 1, 200_000):
                    await conn.execute(BULK, {"start": start, "stop": min(start + 199_999, N_DEALS)})
            async with app.state.engine.connect() as conn:
                await conn.execute(text("COMMIT"))
                await conn.execute(text("ANALYZE deals"))
                active = await conn.scalar(
                    text("SELECT count(*) FROM deals WHERE status IN ('pending_approval','approved')")
                )
            load_s = time.perf_counter() - loaded_at
            full = await timed_registrations(client, "Full", partner)
            # One that really conflicts with a bulk-loaded deal: found through the index among all of them.
            r = await client.post("/v1/deals", json=body("C" + str(N_DEALS // 2)), headers=partner)
            assert r.status_code == 201, r.text
            assert r.json()["conflict"], "the bulk-loaded deal of the same customer is found"
    print(f"active deals of the vendor: {active} (bulk load + ANALYZE {load_s:.0f} s)")
    print(f"registration with   {SAMPLES + 1} deals: {summary(empty)}")
    print(f"registration with {active} deals: {summary(full)}")


if __name__ == "__main__":
    asyncio.run(main())
