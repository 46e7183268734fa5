"""Subscriptions and the delivery log over HTTP: validation, SSRF refusals, tenancy, replay, redeliver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from notifications_helpers import Receiver, deal_event, fresh_vendor, subscribe

from support.kafka import eventually

HOOK = "https://93.184.215.14/in"  # a public address literal: no DNS needed


@pytest.mark.parametrize(
    ("url", "allow_private", "reason"),
    [
        ("http://10.0.0.1/hook", False, "private"),
        ("http://127.0.0.1:9000/hook", False, "loopback"),
        ("http://localhost:9000/hook", False, "loopback"),  # a name that resolves to 127.0.0.1
        ("http://169.254.169.254/latest/meta-data/", False, "cloud metadata"),
        ("http://169.254.169.254/latest/meta-data/", True, "cloud metadata"),  # refused even when allowed
        ("http://[::1]/hook", False, "loopback"),
        ("ftp://hooks.example.com/in", False, "http or https"),
        ("/relative/path", False, "absolute"),
    ],
)
async def test_receivers_the_guard_refuses_are_422_naming_the_url(
    notifications: Any, token: Any, url: str, allow_private: bool, reason: str
) -> None:
    async with notifications(webhook_allow_private=allow_private) as (client, _):
        resp = await client.post(
            "/v1/subscriptions",
            json={"url": url, "event_types": ["deal-registered"]},
            headers=token("vendor", sub="u", vendor_id="v-1"),
        )
        assert resp.status_code == 422, resp.text
        [error] = resp.json()["errors"]
        assert error["loc"] == ["body", "url"]
        assert reason in error["msg"]


async def test_loopback_is_accepted_when_private_receivers_are_allowed(notifications: Any, token: Any) -> None:
    async with notifications(webhook_allow_private=True) as (client, _):
        resp = await client.post(
            "/v1/subscriptions",
            json={"url": "http://127.0.0.1:9000/hook", "event_types": ["deal-registered"]},
            headers=token("vendor", sub="u", vendor_id="v-1"),
        )
        assert resp.status_code == 201, resp.text


@pytest.mark.parametrize(
    ("event_types", "msg"),
    [([], "at least 1"), (["deal-registered", "deal-exploded"], "deal-exploded")],
)
async def test_event_types_must_be_a_non_empty_list_of_known_types(
    notifications: Any, token: Any, event_types: list[str], msg: str
) -> None:
    async with notifications() as (client, _):
        resp = await client.post(
            "/v1/subscriptions",
            json={"url": HOOK, "event_types": event_types},
            headers=token("vendor", sub="u", vendor_id="v-1"),
        )
        assert resp.status_code == 422
        [error] = resp.json()["errors"]
        assert error["loc"] == ["body", "event_types"]
        assert msg in error["msg"]


async def test_subscriptions_are_seen_only_by_their_tenancy(notifications: Any, token: Any) -> None:
    mine, theirs = token("vendor", sub="a", vendor_id="v-mine"), token("vendor", sub="b", vendor_id="v-theirs")
    async with notifications() as (client, _):
        created = [
            (await client.post("/v1/subscriptions", json={"url": HOOK, "event_types": ["deal-approved"]}, headers=mine))
            for _ in range(3)
        ]
        other = await client.post(
            "/v1/subscriptions", json={"url": HOOK, "event_types": ["reward-earned"]}, headers=theirs
        )
        sub_id = created[0].json()["id"]

        assert (await client.get(f"/v1/subscriptions/{sub_id}", headers=theirs)).status_code == 404
        assert (await client.delete(f"/v1/subscriptions/{sub_id}", headers=theirs)).status_code == 404
        assert (await client.post(f"/v1/subscriptions/{sub_id}/rotate-secret", headers=theirs)).status_code == 404

        page1 = (await client.get("/v1/subscriptions", params={"limit": 2}, headers=mine)).json()
        page2 = (
            await client.get("/v1/subscriptions", params={"limit": 2, "cursor": page1["next_cursor"]}, headers=mine)
        ).json()
        ids = [s["id"] for s in page1["items"] + page2["items"]]
        assert sorted(ids) == sorted(r.json()["id"] for r in created)
        assert page2["next_cursor"] is None
        assert other.json()["id"] not in ids
        admin_ids = {
            s["id"] for s in (await client.get("/v1/subscriptions", headers=token("admin", sub="ops"))).json()["items"]
        }
        assert {*ids, other.json()["id"]} <= admin_ids


async def test_delete_with_a_stale_version_is_412_and_a_deleted_subscription_is_gone(
    notifications: Any, token: Any
) -> None:
    headers = token("partner", sub="rep", partner_id="p-1")
    async with notifications() as (client, _):
        sub = await subscribe(client, headers, HOOK, ["deal-approved"])
        stale = await client.delete(f"/v1/subscriptions/{sub['id']}", headers={**headers, "If-Match": "7"})
        assert stale.status_code == 412
        gone = await client.delete(
            f"/v1/subscriptions/{sub['id']}", headers={**headers, "If-Match": str(sub["version"])}
        )
        assert gone.status_code == 204
        assert (await client.get(f"/v1/subscriptions/{sub['id']}", headers=headers)).status_code == 404


async def test_redeliver_and_replay_send_stored_events_again_in_order(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor, headers = fresh_vendor(token)
    async with notifications() as (client, _):
        sub = await subscribe(client, headers, receiver.url("/log"), ["deal-registered", "deal-approved"])
        before = datetime.now(UTC) - timedelta(seconds=1)
        events = [deal_event(vendor, "p-1"), deal_event(vendor, "p-1", "deal-approved"), deal_event(vendor, "p-1")]
        for event in events:
            await send_deal_event(event)
        await eventually(lambda: len(receiver.at("/log")) == 3, timeout=30)

        async def all_succeeded() -> list[dict[str, Any]]:
            items = (await client.get("/v1/deliveries", params={"status": "succeeded"}, headers=headers)).json()[
                "items"
            ]
            return items if len(items) == 3 else []

        logged = await eventually(all_succeeded)
        assert isinstance(logged, list)
        first = next(d for d in logged if d["event_id"] == events[0].id)
        resp = await client.post(f"/v1/deliveries/{first['id']}/redeliver", headers=headers)
        assert resp.status_code == 202, resp.text
        assert resp.json()["id"] != first["id"]
        await eventually(lambda: len(receiver.at("/log")) == 4, timeout=30)
        assert receiver.at("/log")[3].headers["webhook-id"] == events[0].id

        replayed = await client.post(
            f"/v1/subscriptions/{sub['id']}/replay", json={"since": before.isoformat()}, headers=headers
        )
        assert replayed.status_code == 202, replayed.text
        assert replayed.json()["queued"] == 3
        await eventually(lambda: len(receiver.at("/log")) == 7, timeout=30)
        assert {r.headers["webhook-id"] for r in receiver.at("/log")[4:]} == {e.id for e in events}

        # Another tenant neither sees nor redelivers these.
        other = token("vendor", sub="x", vendor_id="v-else")
        assert (await client.get("/v1/deliveries", headers=other)).json()["items"] == []
        assert (await client.post(f"/v1/deliveries/{first['id']}/redeliver", headers=other)).status_code == 404
