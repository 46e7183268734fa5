"""A deal's webhooks arrive in order within a subscription (contract v1.1, "Under failure").

A later event of a deal is not sent while an earlier one is still being retried (until it
succeeds or finally fails); other deals go meanwhile. Replay and redeliver keep that order;
replay reads only the owner's tenancy, pages through its whole range, and refuses a range
over its maximum with the count. Real Kafka, PostgreSQL and an HTTP receiver.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from notifications_helpers import Receiver, Reply, deal_event, subscribe, vendor_token
from sqlalchemy import text

from events.envelope import CloudEvent, new_event
from support.kafka import eventually


def later_event(first: CloudEvent, event_type: str, **changes: Any) -> CloudEvent:
    """Another event of the same deal (same subject and tenancy), as dealreg would publish it."""
    return new_event(event_type=event_type, service="dealreg", subject=first.subject, data={**first.data, **changes})


def ids_at(receiver: Receiver, path: str) -> list[str]:
    return [r.headers["webhook-id"] for r in receiver.at(path)]


async def deliveries(client: Any, headers: dict[str, str], **params: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": "200", **({"cursor": cursor} if cursor else {})}
        resp = await client.get("/v1/deliveries", params=query, headers=headers)
        assert resp.status_code == 200, resp.text
        items += resp.json()["items"]
        cursor = resp.json()["next_cursor"]
        if not cursor:
            return items


TYPES = ["deal-registered", "deal-approved", "stage-advanced", "deal-closed"]


async def test_a_retried_delivery_holds_back_its_deals_later_events_but_not_other_deals(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    # The first attempt fails; the retry comes 3 s later. Everything else succeeds.
    receiver.script("/ordered", Reply(500), Reply(200))
    async with notifications(webhook_retry_schedule="PT3S,PT3S") as (client, _):
        await subscribe(client, headers, receiver.url("/ordered"), TYPES)
        registered = deal_event(vendor, "p-1")
        approved = later_event(registered, "deal-approved", status="approved")
        advanced = later_event(registered, "stage-advanced", status="approved", stage="qualified")
        for event in (registered, approved, advanced):
            await send_deal_event(event)
        await eventually(lambda: ids_at(receiver, "/ordered") == [registered.id], timeout=30, interval=0.05)

        # While the deal's first event waits for its retry, another deal's event goes at once.
        other_deal = deal_event(vendor, "p-1")
        await send_deal_event(other_deal)
        await eventually(lambda: other_deal.id in ids_at(receiver, "/ordered"), timeout=30, interval=0.05)
        assert ids_at(receiver, "/ordered") == [registered.id, other_deal.id], "the deal's later events waited"

        await eventually(lambda: len(receiver.at("/ordered")) == 5, timeout=30)
        deal_ids = [i for i in ids_at(receiver, "/ordered") if i != other_deal.id]
        assert deal_ids == [registered.id, registered.id, approved.id, advanced.id]
        calls = {r.headers["webhook-id"]: r for r in reversed(receiver.at("/ordered"))}  # first call of each id
        retry_of_first = receiver.at("/ordered")[2]
        assert retry_of_first.headers["webhook-id"] == registered.id
        assert calls[approved.id].at >= retry_of_first.at
        assert calls[registered.id].at + 3 * 0.9 - 0.05 <= retry_of_first.at  # the schedule was kept

        async def all_succeeded() -> list[dict[str, Any]]:
            items = await deliveries(client, headers, status="succeeded")
            return items if len(items) == 4 else []

        logged = await eventually(all_succeeded)
        assert isinstance(logged, list)
        attempts = {d["event_id"]: d["attempts"] for d in logged}
        assert attempts == {registered.id: 2, approved.id: 1, advanced.id: 1, other_deal.id: 1}


async def test_a_delivery_that_finally_fails_lets_its_deals_next_event_go(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    receiver.script("/failing-first", Reply(500), Reply(500), Reply(200))  # two attempts: then failed
    async with notifications(webhook_retry_schedule="PT0.3S") as (client, _):
        await subscribe(client, headers, receiver.url("/failing-first"), TYPES)
        registered = deal_event(vendor, "p-1")
        approved = later_event(registered, "deal-approved", status="approved")
        await send_deal_event(registered)
        await send_deal_event(approved)

        await eventually(lambda: len(receiver.at("/failing-first")) == 3, timeout=30)
        assert ids_at(receiver, "/failing-first") == [registered.id, registered.id, approved.id]
        failed = await deliveries(client, headers, status="failed")
        assert [d["event_id"] for d in failed] == [registered.id]


async def test_redeliver_waits_behind_the_deals_pending_delivery(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    # First event succeeds; the second fails once and is retried 2 s later.
    receiver.script("/redeliver", Reply(200), Reply(500), Reply(200))
    async with notifications(webhook_retry_schedule="PT2S") as (client, _):
        await subscribe(client, headers, receiver.url("/redeliver"), TYPES)
        registered = deal_event(vendor, "p-1")
        approved = later_event(registered, "deal-approved", status="approved")
        await send_deal_event(registered)
        await eventually(lambda: len(receiver.at("/redeliver")) == 1, timeout=30, interval=0.05)

        async def first_succeeded() -> list[dict[str, Any]]:
            return await deliveries(client, headers, status="succeeded")

        [first] = await eventually(first_succeeded)  # type: ignore[misc]
        await send_deal_event(approved)
        await eventually(lambda: len(receiver.at("/redeliver")) == 2, timeout=30, interval=0.05)  # failed once

        resp = await client.post(f"/v1/deliveries/{first['id']}/redeliver", headers=headers)
        assert resp.status_code == 202, resp.text
        assert resp.json()["status"] == "pending"
        assert resp.json()["next_attempt_at"] is None  # waiting for the deal's earlier delivery

        await eventually(lambda: len(receiver.at("/redeliver")) == 4, timeout=30)
        assert ids_at(receiver, "/redeliver") == [registered.id, approved.id, approved.id, registered.id]


async def test_replay_pages_through_the_owners_events_in_each_deals_order(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor, other_vendor = f"v-{uuid.uuid4().hex[:8]}", f"v-{uuid.uuid4().hex[:8]}"
    partner = f"p-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    partner_headers = token("partner", sub="rep", partner_id=partner)
    # Pages of 4 events: the vendor's 12 events take three pages and a last, empty look.
    async with notifications(webhook_replay_page=4, webhook_replay_max=12) as (client, app):
        mine = await subscribe(client, headers, receiver.url("/vendor"), TYPES)
        partners = await subscribe(client, partner_headers, receiver.url("/partner"), TYPES)
        since = datetime.now(UTC) - timedelta(seconds=1)
        deals: list[list[CloudEvent]] = []
        for n in range(4):  # four deals, events interleaved across them and with another vendor's
            first = deal_event(vendor, partner if n % 2 == 0 else "p-else")
            deals.append(
                [
                    first,
                    later_event(first, "deal-approved", status="approved"),
                    later_event(first, "stage-advanced", status="approved", stage="qualified"),
                ]
            )
        others = [deal_event(other_vendor, partner) for _ in range(5)]
        for step in range(3):
            for n, deal in enumerate(deals):
                await send_deal_event(deal[step])
                if n < len(others) and step == 1:
                    await send_deal_event(others[n])
        await send_deal_event(others[4])
        await eventually(lambda: len(receiver.at("/vendor")) == 12, timeout=30)
        await eventually(lambda: len(receiver.at("/partner")) == 6 + 5, timeout=30)

        resp = await client.post(
            f"/v1/subscriptions/{mine['id']}/replay", json={"since": since.isoformat()}, headers=headers
        )
        assert resp.status_code == 202, resp.text
        assert resp.json()["queued"] == 12
        assert len(resp.json()["delivery_ids"]) == 12

        await eventually(lambda: len(receiver.at("/vendor")) == 24, timeout=30)
        replayed = ids_at(receiver, "/vendor")[12:]
        other_ids = {e.id for e in others}
        assert not other_ids & set(ids_at(receiver, "/vendor")), "another vendor's events never reach this one"
        assert sorted(replayed) == sorted(e.id for deal in deals for e in deal)
        for deal in deals:
            assert [i for i in replayed if i in {e.id for e in deal}] == [e.id for e in deal]
        bodies = [json.loads(r.body) for r in receiver.at("/vendor")[12:]]
        assert {b["data"]["vendor_id"] for b in bodies} == {vendor}

        # The partner's replay: its own deals only (with this vendor and with the other one).
        resp = await client.post(
            f"/v1/subscriptions/{partners['id']}/replay", json={"since": since.isoformat()}, headers=partner_headers
        )
        assert resp.status_code == 202, resp.text
        assert resp.json()["queued"] == 11
        await eventually(lambda: len(receiver.at("/partner")) == 22, timeout=30)
        replayed = ids_at(receiver, "/partner")[11:]
        mine_as_partner = [e for deal in deals[::2] for e in deal] + others
        assert sorted(replayed) == sorted(e.id for e in mine_as_partner)
        for deal in deals[::2]:
            assert [i for i in replayed if i in {e.id for e in deal}] == [e.id for e in deal]

        # Each replayed deal went one delivery at a time: its deliveries ran in seq order, none overlapping.
        async with app.state.engine.connect() as conn:
            overlapping = await conn.scalar(
                text(
                    "SELECT count(*) FROM deliveries a JOIN deliveries b ON a.subscription_id = b.subscription_id"
                    " AND a.subject = b.subject AND a.seq < b.seq"
                    " WHERE a.subscription_id = :s AND b.last_attempt_at < a.last_attempt_at"
                ),
                {"s": mine["id"]},
            )
        assert overlapping == 0


async def test_a_replay_over_the_maximum_is_422_with_the_count_and_queues_nothing(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor = f"v-{uuid.uuid4().hex[:8]}"
    headers = vendor_token(token, vendor)
    async with notifications(webhook_replay_max=3) as (client, _):
        sub = await subscribe(client, headers, receiver.url("/capped"), ["deal-registered"])
        since = datetime.now(UTC) - timedelta(seconds=1)
        for _ in range(4):
            await send_deal_event(deal_event(vendor, "p-1"))
        await send_deal_event(deal_event(f"v-{uuid.uuid4().hex[:8]}", "p-1"))  # not this owner's: not counted
        await eventually(lambda: len(receiver.at("/capped")) == 4, timeout=30)

        resp = await client.post(
            f"/v1/subscriptions/{sub['id']}/replay", json={"since": since.isoformat()}, headers=headers
        )
        assert resp.status_code == 422, resp.text
        problem = resp.json()
        assert resp.headers["content-type"].startswith("application/problem+json")
        assert problem["count"] == 4 and problem["maximum"] == 3
        assert problem["errors"][0]["loc"] == ["body", "since"]
        assert len(await deliveries(client, headers)) == 4  # nothing queued

        later = datetime.now(UTC) + timedelta(seconds=5)
        resp = await client.post(
            f"/v1/subscriptions/{sub['id']}/replay", json={"since": later.isoformat()}, headers=headers
        )
        assert resp.status_code == 202, resp.text
        assert resp.json()["queued"] == 0
