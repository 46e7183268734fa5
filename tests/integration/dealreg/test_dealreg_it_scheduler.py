"""The scheduler against the real PostgreSQL: SLA breaches and protection expiry, once, with replicas."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from dealreg_scene import Scene

from support.kafka import eventually


async def _history_types(scene: Scene, deal_id: str) -> list[str]:
    r = await scene.client.get(f"/v1/deals/{deal_id}/history", headers=scene.admin)
    return [e["type"] for e in r.json()["items"]]


async def _status(scene: Scene, deal_id: str) -> str:
    return str((await scene.client.get(f"/v1/deals/{deal_id}", headers=scene.admin)).json()["status"])


async def test_escalate_signals_overdue_once_and_stays_pending(fast_scene: Scene) -> None:
    scene = fast_scene
    await scene.policy(approval_sla="PT1S", on_sla_breach="escalate")
    deal = await scene.register(await scene.partner())

    async def signalled() -> bool:
        return "deal-approval-overdue" in await _history_types(scene, deal["id"])

    await eventually(signalled, timeout=10)
    await asyncio.sleep(1.0)  # several more passes
    assert await _history_types(scene, deal["id"]) == ["deal-registered", "deal-approval-overdue"]
    got = (await scene.client.get(f"/v1/deals/{deal['id']}", headers=scene.admin)).json()
    assert got["status"] == "pending_approval"
    assert got["approval_overdue_at"] is not None


@pytest.mark.parametrize(("action", "status"), [("auto_reject", "rejected"), ("auto_approve", "approved")])
async def test_sla_breach_actions_decide_with_reason_sla_breach(fast_scene: Scene, action: str, status: str) -> None:
    scene = fast_scene
    await scene.policy(approval_sla="PT1S", on_sla_breach=action, protection_period="P90D")
    deal = await scene.register(await scene.partner())

    async def decided() -> bool:
        return await _status(scene, deal["id"]) == status

    await eventually(decided, timeout=10)
    got = (await scene.client.get(f"/v1/deals/{deal['id']}", headers=scene.admin)).json()
    assert got["decision_reason"] == "sla_breach"
    assert await _history_types(scene, deal["id"]) == ["deal-registered", "deal-approval-overdue", f"deal-{status}"]


async def test_conflicting_deal_is_not_auto_approved_on_breach(fast_scene: Scene) -> None:
    scene = fast_scene
    await scene.policy(approval_sla="PT1S", on_sla_breach="auto_approve")
    await scene.register(await scene.partner())
    conflicting = await scene.register(await scene.partner())
    assert conflicting["conflict"] is True

    async def signalled() -> bool:
        return "deal-approval-overdue" in await _history_types(scene, conflicting["id"])

    await eventually(signalled, timeout=10)
    assert await _status(scene, conflicting["id"]) == "pending_approval"


async def test_lapsed_protection_expires_the_deal(fast_scene: Scene) -> None:
    scene = fast_scene
    await scene.policy(auto_approve_max_amount="100000.00", auto_approve_tiers=[2], protection_period="PT1S")
    deal = await scene.register(await scene.partner())
    assert deal["status"] == "approved"

    async def expired() -> bool:
        return await _status(scene, deal["id"]) == "expired"

    await eventually(expired, timeout=10)
    assert await _history_types(scene, deal["id"]) == ["deal-registered", "deal-approved", "deal-expired"]
    r = await scene.client.post(f"/v1/deals/{deal['id']}/extend", headers=scene.admin)
    assert r.status_code == 409


async def test_two_replicas_handle_each_overdue_deal_exactly_once(
    service_client: Callable[..., Any], make_db: Callable[..., Any], token: Callable[..., dict[str, str]]
) -> None:
    url = await make_db("dealreg")
    fast = timedelta(milliseconds=50)
    async with (
        service_client("dealreg", database_url=url, scheduler_interval=fast) as (client_a, app_a),
        service_client("dealreg", database_url=url, scheduler_interval=fast) as (_client_b, _app_b),
    ):
        scene = Scene(client_a, app_a, token)
        await scene.policy(approval_sla="PT1S", on_sla_breach="escalate")
        partner = await scene.partner()
        ids = [(await scene.register(partner, customer={"name": f"Customer {i}"}))["id"] for i in range(15)]

        async def all_signalled() -> bool:
            histories = [await _history_types(scene, deal_id) for deal_id in ids]
            return all("deal-approval-overdue" in h for h in histories)

        await eventually(all_signalled, timeout=15)
        await asyncio.sleep(0.5)
        for deal_id in ids:
            assert (await _history_types(scene, deal_id)).count("deal-approval-overdue") == 1
