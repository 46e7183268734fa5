"""Kill -9 the notifications process while it is retrying a delivery: after a restart the
delivery still succeeds, with the same webhook-id (the delivery was a row before it was tried)."""

from __future__ import annotations

import signal

import httpx
from standardwebhooks.webhooks import Webhook

from support.kafka import eventually
from support.receivers import WebhookReceiver
from support.scenario import registration


async def test_a_delivery_being_retried_survives_a_killed_notifications_process(e2e_stack, token) -> None:
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    admin = token("admin", sub="ops")
    vendor = token("vendor", sub="approver-9", vendor_id="crashvendor")
    partner = token("partner", sub="rep-crash", partner_id="p-crash")
    hook = WebhookReceiver(statuses=[500, 500, 500, 500, 500, 500]).start()
    try:
        async with httpx.AsyncClient() as http:
            r = await http.put(
                f"{urls['dealreg']}/v1/partners/p-crash",
                json={"name": "Crash Partner", "tier": 3, "vendor_ids": ["crashvendor"]},
                headers=admin,
            )
            assert r.status_code in (200, 201), r.text
            r = await http.post(
                f"{urls['notifications']}/v1/subscriptions",
                json={"url": hook.url, "event_types": ["deal-registered"]},
                headers=vendor,
            )
            assert r.status_code == 201, r.text
            secret = r.json()["secret"]
            r = await http.post(
                f"{urls['dealreg']}/v1/deals",
                json=registration("Crashy Corp", vendor_id="crashvendor"),
                headers=partner,
            )
            assert r.status_code == 201, r.text

        await eventually(lambda: len(hook.received()) >= 1, timeout=30)
        notifications = e2e_stack.services["notifications"]
        notifications.kill(signal.SIGKILL)
        notifications.process.wait(10)
        attempts_before_restart = len(hook.received())
        with hook.lock:
            hook.statuses.clear()  # the receiver recovers while the service is down
        assert e2e_stack.restart_dead() == ["notifications"]
        e2e_stack.wait_ready(60)

        await eventually(lambda: len(hook.received()) > attempts_before_restart, timeout=60)

        async def succeeded() -> bool:
            async with httpx.AsyncClient() as http:
                r = await http.get(f"{urls['notifications']}/v1/deliveries?status=succeeded", headers=vendor)
            return r.status_code == 200 and len(r.json()["items"]) == 1

        await eventually(succeeded, timeout=30)
        attempts = hook.received()
        ids = {headers["webhook-id"] for headers, _ in attempts}
        assert len(ids) == 1, "every attempt carries the event id as webhook-id"
        headers, body = attempts[-1]
        Webhook(secret).verify(body, headers)
    finally:
        hook.stop()
