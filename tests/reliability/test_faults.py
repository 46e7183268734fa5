"""Faults during a stream of registrations: every service killed in turn, Kafka stopped and
started, PostgreSQL restarted. After recovery nothing is lost or doubled: every deal has its
event, exactly one registration reward, pipeline figures equal to a rebuild, and a webhook
delivered at least once under one webhook-id. The real supervisor loop restarts the dead.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
from rel_client import RegistrationClient
from rel_infra import PrivateInfra, admin_headers, kill_and_await_restart
from scene import (
    ledger_entries,
    rebuild_pipeline,
    registered_on_topic,
    registration_rewards,
    rollups,
    webhook_ids_by_deal,
)

from devstack.processes import Stack
from devstack.tokens import dev_token
from support.kafka import eventually
from support.receivers import WebhookReceiver
from support.scenario import create_program, put_partner, registration

VENDOR = "acme"
PARTNERS = [f"p-fault-{i}" for i in range(4)]
SUPERVISOR_LIMIT_S = 5.0


def _bearer(role: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, **claims)}"}


async def _wait_ready(stack: Stack, timeout: float = 60) -> None:
    await asyncio.to_thread(stack.wait_ready, timeout)


async def test_faults_lose_and_duplicate_nothing(rel_stack: Stack, private_infra: PrivateInfra) -> None:
    urls = {name: proc.url for name, proc in rel_stack.services.items()}
    admin = admin_headers()
    vendor = _bearer("vendor", sub="vendor-ops", vendor_id=VENDOR)
    hook = WebhookReceiver().start()
    figures: dict[str, Any] = {"faults": []}
    supervisor = asyncio.create_task(rel_stack.supervise(interval=0.5))
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            dealreg = httpx.AsyncClient(base_url=urls["dealreg"])
            incentives = httpx.AsyncClient(base_url=urls["incentives"])
            async with dealreg, incentives:
                for partner in PARTNERS:
                    await put_partner(dealreg, admin, partner)
                await create_program(incentives, admin)
            r = await http.post(
                f"{urls['notifications']}/v1/subscriptions",
                json={"url": hook.url, "event_types": ["deal-registered"]},
                headers=vendor,
            )
            assert r.status_code == 201, r.text

            clients = [
                RegistrationClient(urls["dealreg"], _bearer("partner", sub=f"rep-{p}", partner_id=p)) for p in PARTNERS
            ]
            stop = asyncio.Event()

            async def stream(client: RegistrationClient, n: int) -> None:
                i = 0
                while not stop.is_set():
                    await client.register(http, registration(f"Fault Customer {n}-{i}"))
                    i += 1
                    await asyncio.sleep(0.15)

            streams = [asyncio.create_task(stream(c, n)) for n, c in enumerate(clients)]

            async def fault(label: str, action: Any) -> None:
                await asyncio.sleep(2.0)
                started = time.monotonic()
                result = await action()
                figures["faults"].append((label, round(time.monotonic() - started, 1), result))

            async def infra_fault(switch: Any) -> None:
                await asyncio.to_thread(switch, "stop")
                await asyncio.sleep(3)
                await asyncio.to_thread(switch, "start")
                await _wait_ready(rel_stack, 90)

            restart_times: dict[str, float] = {}
            for name in ("dealreg", "incentives", "pipeline", "notifications"):

                async def kill(name: str = name) -> str:
                    restart_times[name] = await kill_and_await_restart(rel_stack, name, SUPERVISOR_LIMIT_S + 5)
                    await _wait_ready(rel_stack, 60)
                    return f"restarted by the supervisor after {restart_times[name]:.2f} s"

                await fault(f"SIGKILL {name}", kill)
            await fault("Kafka stop/start", lambda: infra_fault(private_infra.kafka))
            await fault("PostgreSQL restart", lambda: infra_fault(private_infra.postgres))
            await asyncio.sleep(2.0)
            stop.set()
            await asyncio.gather(*streams)

            figures["faults injected"] = len(figures["faults"])
            outcomes = [o for c in clients for o in c.outcomes]
            deal_ids = {o.deal_id for o in outcomes if o.deal_id}
            assert len(deal_ids) == len(outcomes), "each registration is one deal"
            figures["deals run"] = len(deal_ids)
            figures["client retries"] = sum(o.attempts - 1 for o in outcomes)

            on_topic = await registered_on_topic(
                private_infra.infra.kafka_bootstrap, rel_stack.topic_prefix + "deals.v1", deal_ids
            )
            figures["events lost"] = len(deal_ids - on_topic)

            async def all_rewarded() -> Any:
                counts = registration_rewards(await ledger_entries(http, urls["incentives"], admin))
                return counts if set(counts) >= deal_ids else None

            with contextlib.suppress(AssertionError):
                await eventually(all_rewarded, timeout=60, interval=1)
            rewards = registration_rewards(await ledger_entries(http, urls["incentives"], admin))
            figures["rewards missing"] = len(deal_ids - set(rewards))
            figures["rewards duplicated"] = sum(n - 1 for d, n in rewards.items() if d in deal_ids and n > 1)

            def webhooks_done() -> bool:
                return set(webhook_ids_by_deal(hook.received())) >= deal_ids

            with contextlib.suppress(AssertionError):
                await eventually(webhooks_done, timeout=90, interval=1)
            by_deal = webhook_ids_by_deal(hook.received())
            figures["webhooks lost"] = len(deal_ids - set(by_deal))
            figures["webhooks with several ids"] = sum(1 for d in deal_ids if len(by_deal.get(d, ())) > 1)
            figures["webhook requests"] = len(hook.received())
            if figures["webhooks lost"]:
                for status in ("pending", "failed"):
                    r = await http.get(
                        f"{urls['notifications']}/v1/deliveries",
                        params={"status": status, "limit": 20},
                        headers=vendor,
                    )
                    figures[f"deliveries {status}"] = r.json()["items"]

            async def pipeline_has_all() -> Any:
                body = await rollups(http, urls["pipeline"], admin, VENDOR)
                return body if sum(i["open_deals"] for i in body["items"]) >= len(deal_ids) else None

            await eventually(pipeline_has_all, timeout=30, interval=1)
            before = await rollups(http, urls["pipeline"], admin, VENDOR)
            figures["rebuild"] = await rebuild_pipeline(rel_stack)
            after = await rollups(http, urls["pipeline"], admin, VENDOR)
            figures["pipeline equals rebuild"] = before == after
    finally:
        supervisor.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await supervisor
        hook.stop()
        print("\nreliability figures:")
        for key, value in figures.items():
            print(f"  {key}: {value}")

    assert max(restart_times.values()) < SUPERVISOR_LIMIT_S, restart_times
    assert figures["events lost"] == 0
    assert figures["rewards missing"] == 0
    assert figures["rewards duplicated"] == 0
    assert figures["webhooks lost"] == 0
    assert figures["webhooks with several ids"] == 0
    assert before == after, (before, after)
