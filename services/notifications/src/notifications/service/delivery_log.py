"""The delivery log: read it (the caller's tenancy's deliveries only), and send one again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from notifications.domain.model import Delivery, SubscriptionStatus
from notifications.service.owners import may_manage, visible_owner_key
from notifications.service.ports import DeliveryLogQuery, NewDelivery, Page, SubscriptionStore
from notifications.service.replay import disabled
from notifications.service.replay_limits import REDELIVER, admit
from servicekit.cursors import decode_cursor, next_cursor
from servicekit.errors import NotFound
from servicekit.principal import Principal


@dataclass(frozen=True)
class ListDeliveries:
    limit: int = 50
    cursor: str | None = None
    subscription_id: str | None = None
    status: str | None = None  # pending, succeeded or failed; None: any
    event_id: str | None = None


async def visible_delivery(store: SubscriptionStore, principal: Principal, delivery_id: str) -> Delivery:
    """A delivery of one of the caller's subscriptions; any other is not found."""
    delivery = await store.get_delivery(delivery_id)
    if delivery is None:
        raise NotFound("delivery")
    sub = await store.get_subscription(delivery.subscription_id)
    if sub is None or not may_manage(principal, sub):
        raise NotFound("delivery")
    return delivery


async def list_deliveries(store: SubscriptionStore, principal: Principal, query: ListDeliveries) -> Page[Delivery]:
    """The delivery log, newest first."""
    key = decode_cursor(query.cursor, {"seq": int})
    rows = await store.list_deliveries(
        DeliveryLogQuery(
            owner_key=visible_owner_key(principal),
            subscription_id=query.subscription_id,
            status=query.status,
            event_id=query.event_id,
            before_seq=None if key is None else key["seq"],
            limit=query.limit + 1,
        )
    )
    page, nxt = next_cursor(rows, query.limit, lambda r: {"seq": r.seq})
    return Page(page, nxt)


async def get_delivery(store: SubscriptionStore, principal: Principal, delivery_id: str) -> Delivery:
    return await visible_delivery(store, principal, delivery_id)


async def redeliver(store: SubscriptionStore, principal: Principal, delivery_id: str, per_hour: int) -> Delivery:
    """The delivery's event again, as a new delivery (the original stays in the log): at once, or after
    the deliveries of the same deal still pending for the subscription (a deal's order holds)."""
    async with store.transaction():
        original = await visible_delivery(store, principal, delivery_id)
        sub = await store.get_subscription(original.subscription_id)
        if sub is None or sub.status != SubscriptionStatus.ACTIVE:
            raise disabled()
        await admit(store, sub.id, REDELIVER, per_hour, datetime.now(UTC))
        subject = await store.subject_of_event(original.event_id, original.subject)
        [again_id] = await store.queue_deliveries(
            [NewDelivery(sub.id, original.event_id, original.event_type, subject)], datetime.now(UTC)
        )
        again = await store.get_delivery(again_id)
        assert again is not None
    return again
