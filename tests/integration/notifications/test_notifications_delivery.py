"""Webhooks reach a real local receiver, signed per Standard Webhooks, retried, and disabled on 410."""

from __future__ import annotations

import itertools
import json
import uuid
from typing import Any

from notifications_helpers import TRACE_ID, Receiver, Reply, deal_event, subscribe, vendor_token
from standardwebhooks import Webhook

from support.kafka import eventually


async def deliveries(client: Any, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    resp = await client.get("/v1/deliveries", params=params, headers=headers)
    assert resp.status_code == 200, resp.text
    items: list[dict[str, Any]] = resp.json()["items"]
    return items


async def test_a_delivery_is_the_signed_cloudevent_continuing_the_trace(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    async with notifications() as (client, _):
        sub = await subscribe(client, vendor_token(token, vendor), receiver.url("/hook"))
        assert sub["secret"].startswith("whsec_")
        event = deal_event(vendor, "p-1")
        await send_deal_event(event)

        await eventually(lambda: receiver.at("/hook"), timeout=30)
        got = receiver.at("/hook")[0]
        verified = Webhook(sub["secret"]).verify(got.body, got.headers)
        assert verified["id"] == event.id
        assert json.loads(got.body) == json.loads(event.to_json())
        assert got.headers["webhook-id"] == event.id
        assert got.headers["content-type"].startswith("application/cloudevents+json")
        assert got.headers["traceparent"].split("-")[1] == TRACE_ID

        async def logged() -> bool:
            items = await deliveries(client, vendor_token(token, vendor), event_id=event.id)
            return bool(items) and items[0]["status"] == "succeeded"

        await eventually(logged)
        [entry] = await deliveries(client, vendor_token(token, vendor), event_id=event.id)
        assert entry["attempts"] == 1
        assert entry["last_status_code"] == 200
        # The secret is shown once: never in reads.
        read = await client.get(f"/v1/subscriptions/{sub['id']}", headers=vendor_token(token, vendor))
        assert "secret" not in read.json()


async def test_subscribers_get_only_their_own_tenancy_and_partners_not_vendor_fields(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor, partner = f"v-{uuid.uuid4().hex[:8]}", f"p-{uuid.uuid4().hex[:8]}"
    async with notifications() as (client, _):
        await subscribe(client, vendor_token(token, vendor), receiver.url("/vendor"))
        await subscribe(client, vendor_token(token, "v-other"), receiver.url("/other-vendor"))
        mine = await subscribe(client, token("partner", sub="rep", partner_id=partner), receiver.url("/partner"))
        await subscribe(client, token("partner", sub="rep", partner_id="p-other"), receiver.url("/other-partner"))
        await subscribe(
            client, token("aggregator", sub="agg", partner_ids=[partner, "p-x"]), receiver.url("/aggregator")
        )
        event = deal_event(vendor, partner)
        await send_deal_event(event)

        await eventually(lambda: receiver.at("/vendor") and receiver.at("/partner") and receiver.at("/aggregator"))
        partner_copy = receiver.at("/partner")[0]
        Webhook(mine["secret"]).verify(partner_copy.body, partner_copy.headers)
        assert "conflicting_deal_ids" not in json.loads(partner_copy.body)["data"]
        assert json.loads(receiver.at("/vendor")[0].body)["data"]["conflicting_deal_ids"] == ["d-other-partner"]
        assert receiver.at("/other-vendor") == []
        assert receiver.at("/other-partner") == []


async def test_failed_attempts_are_retried_on_schedule_with_the_same_webhook_id(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    receiver.script("/flaky", Reply(500), Reply(503), Reply(200))
    async with notifications(webhook_retry_schedule="PT0.3S,PT0.3S,PT0.3S") as (client, _):
        sub = await subscribe(client, vendor_token(token, vendor), receiver.url("/flaky"))
        event = deal_event(vendor, "p-1")
        await send_deal_event(event)

        async def succeeded() -> bool:
            items = await deliveries(client, vendor_token(token, vendor), status="succeeded")
            return len(items) == 1

        await eventually(succeeded, timeout=30)
        calls = receiver.at("/flaky")
        assert len(calls) == 3
        assert {c.headers["webhook-id"] for c in calls} == {event.id}
        for call in calls:
            Webhook(sub["secret"]).verify(call.body, call.headers)
        gaps = [b.at - a.at for a, b in itertools.pairwise(calls)]
        assert all(gap >= 0.3 * 0.9 - 0.02 for gap in gaps), gaps  # schedule minus jitter
        [entry] = await deliveries(client, vendor_token(token, vendor))
        assert entry["attempts"] == 3


async def test_a_delivery_fails_when_the_schedule_is_used_up(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    receiver.script("/down", Reply(500))
    async with notifications(webhook_retry_schedule="PT0.1S,PT0.1S") as (client, _):
        await subscribe(client, vendor_token(token, vendor), receiver.url("/down"))
        await send_deal_event(deal_event(vendor, "p-1"))

        async def failed() -> list[dict[str, Any]]:
            return await deliveries(client, vendor_token(token, vendor), status="failed")

        [entry] = await eventually(failed, timeout=30)  # type: ignore[misc]
        assert entry["attempts"] == 3
        assert entry["last_status_code"] == 500
        assert entry["last_error"] == "HTTP 500"
        assert len(receiver.at("/down")) == 3


async def test_retry_after_on_429_is_honoured(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    receiver.script("/busy", Reply(429, {"Retry-After": "2"}), Reply(200))
    async with notifications(webhook_retry_schedule="PT0.1S") as (client, _):
        await subscribe(client, vendor_token(token, vendor), receiver.url("/busy"))
        await send_deal_event(deal_event(vendor, "p-1"))
        await eventually(lambda: len(receiver.at("/busy")) == 2, timeout=30)
        first, second = receiver.at("/busy")
        assert second.at - first.at >= 1.9


async def test_410_gone_disables_the_subscription(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    receiver.script("/gone", Reply(410))
    headers = vendor_token(token, vendor)
    async with notifications() as (client, _):
        sub = await subscribe(client, headers, receiver.url("/gone"))
        await send_deal_event(deal_event(vendor, "p-1"))

        async def disabled() -> bool:
            return (await client.get(f"/v1/subscriptions/{sub['id']}", headers=headers)).json()["status"] == "disabled"

        await eventually(disabled, timeout=30)
        [entry] = await deliveries(client, headers)
        assert entry["status"] == "failed"
        assert entry["attempts"] == 1
        # A disabled subscription gets no more deliveries.
        later = deal_event(vendor, "p-1")
        await send_deal_event(later)
        other = await subscribe(client, headers, receiver.url("/alive"))
        await send_deal_event(deal_event(vendor, "p-1"))
        await eventually(lambda: receiver.at("/alive"), timeout=30)
        assert len(receiver.at("/gone")) == 1
        assert other["status"] == "active"


async def test_redirects_are_followed_but_never_to_a_blocked_address(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    receiver.script("/moved", Reply(307, {"Location": "/new-home"}))
    receiver.script("/to-metadata", Reply(302, {"Location": "http://169.254.169.254/latest/meta-data/"}))
    async with notifications(webhook_retry_schedule="PT0.1S") as (client, _):
        moved = await subscribe(client, headers, receiver.url("/moved"))
        await subscribe(client, headers, receiver.url("/to-metadata"))
        await send_deal_event(deal_event(vendor, "p-1"))

        await eventually(lambda: receiver.at("/new-home"), timeout=30)
        landed = receiver.at("/new-home")[0]
        Webhook(moved["secret"]).verify(landed.body, landed.headers)

        async def refused() -> list[dict[str, Any]]:
            return await deliveries(client, headers, status="failed")

        [entry] = await eventually(refused, timeout=30)  # type: ignore[misc]
        assert entry["last_error"].startswith("blocked_destination")
        assert "169.254.169.254" in entry["last_error"]


async def test_after_rotation_both_secrets_sign_during_the_grace_period(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    async with notifications() as (client, _):
        sub = await subscribe(client, headers, receiver.url("/rotated"))
        resp = await client.post(f"/v1/subscriptions/{sub['id']}/rotate-secret", headers=headers)
        assert resp.status_code == 200, resp.text
        new_secret = resp.json()["secret"]
        assert new_secret != sub["secret"]
        assert new_secret.startswith("whsec_")
        await send_deal_event(deal_event(vendor, "p-1"))

        await eventually(lambda: receiver.at("/rotated"), timeout=30)
        got = receiver.at("/rotated")[0]
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        Webhook(sub["secret"]).verify(got.body, got.headers)
        Webhook(new_secret).verify(got.body, got.headers)


async def test_a_slow_receiver_does_not_delay_the_others(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    slow_vendor, fast_vendor = f"v-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
    receiver.script("/slow", Reply(200, delay=3))
    async with notifications(webhook_concurrency=4, webhook_subscription_concurrency=2) as (client, _):
        await subscribe(client, vendor_token(token, slow_vendor), receiver.url("/slow"))
        await subscribe(client, vendor_token(token, fast_vendor), receiver.url("/fast"))
        for _ in range(6):
            await send_deal_event(deal_event(slow_vendor, "p-1"))
        await eventually(lambda: len(receiver.at("/slow")) == 2, timeout=30)
        sent_at = receiver.at("/slow")[0].at
        await send_deal_event(deal_event(fast_vendor, "p-1"))

        await eventually(lambda: receiver.at("/fast"), timeout=30)
        # The slow receiver holds at most its two slots; the fast one is served meanwhile.
        assert receiver.at("/fast")[0].at - sent_at < 3
        assert len(receiver.at("/slow")) == 2
