"""A delivery claimed by a process that stops mid-attempt is sent after its lease expires."""

from __future__ import annotations

import asyncio
from typing import Any

from notifications_helpers import Receiver, Reply, deal_event, fresh_vendor, subscribe

from support.kafka import eventually


async def test_a_delivery_in_flight_when_the_service_stops_is_sent_after_restart(
    notifications: Any, make_db: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor, headers = fresh_vendor(token)
    database_url = await make_db("notifications")
    receiver.script("/hang", Reply(200, delay=5), Reply(200))
    settings = {"database_url": database_url, "webhook_timeout": "PT3S", "webhook_lease": "PT4S"}
    async with notifications(**settings) as (client, _):
        await subscribe(client, headers, receiver.url("/hang"), ["deal-registered"])
        event = deal_event(vendor, "p-1")
        await send_deal_event(event)
        await eventually(lambda: receiver.at("/hang"), timeout=30)
    # The first process is gone mid-attempt: its claim (lease) is still on the row.
    async with notifications(**settings) as (client, _):

        async def succeeded() -> list[dict[str, Any]]:
            items = (await client.get("/v1/deliveries", headers=headers)).json()["items"]
            return [d for d in items if d["status"] == "succeeded"]

        [entry] = await eventually(succeeded, timeout=30)  # type: ignore[misc]
        assert entry["event_id"] == event.id
        calls = receiver.at("/hang")
        assert len(calls) == 2
        assert calls[1].headers["webhook-id"] == event.id
        # Not before the lease ran out: no double send while the first attempt could still be running.
        assert calls[1].at - calls[0].at >= 3.5
        await asyncio.sleep(0)
