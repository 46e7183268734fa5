"""Events in, deliveries out: store each event and queue one delivery per subscriber.

Runs in the consumer's transaction, so the event, its deliveries and the
processed-events mark are committed together: a crash never loses a delivery.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchItem
from events.envelope import CloudEvent
from events.tracecontext import current_traceparent
from notifications.adapters.tables import (
    DeliveryRow,
    DeliveryStatus,
    ReceivedEventRow,
    SubscriptionRow,
    SubscriptionStatus,
)
from notifications.domain.routing import OwnerRole, SubscriptionOwner, recipients, tenancy_of
from notifications.service.owners import row_owner

# Wakes the delivery worker as soon as new deliveries are committed.
DELIVERIES_CHANNEL = "webhook_deliveries"
_NOTIFY = text(f"SELECT pg_notify('{DELIVERIES_CHANNEL}', '')")


@dataclass(frozen=True)
class RoutableSubscription:
    """A subscription row as routing sees it."""

    row: SubscriptionRow
    owner: SubscriptionOwner
    event_types: Collection[str]


def routable(row: SubscriptionRow) -> RoutableSubscription:
    return RoutableSubscription(row=row, owner=row_owner(row), event_types=frozenset(row.event_types))


def new_delivery(subscription_id: str, event_id: str, event_type: str, due: datetime, now: datetime) -> DeliveryRow:
    return DeliveryRow(
        id=str(uuid.uuid4()),
        subscription_id=subscription_id,
        event_id=event_id,
        event_type=event_type,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=due,
        created_at=now,
        updated_at=now,
    )


async def queue_deliveries(session: AsyncSession, deliveries: Sequence[DeliveryRow]) -> None:
    if not deliveries:
        return
    session.add_all(deliveries)
    await session.flush()
    await session.execute(_NOTIFY)


async def on_event(session: AsyncSession, event: CloudEvent) -> None:
    """Store the event as received and queue a delivery to every active subscriber."""
    now = datetime.now(UTC)
    tenancy = tenancy_of(event.data)
    stored = await session.execute(
        insert(ReceivedEventRow)
        .values(
            id=event.id,
            type=event.type,
            time=event.time.astimezone(UTC) if event.time.tzinfo else event.time.replace(tzinfo=UTC),
            vendor_id=tenancy.vendor_id,
            partner_id=tenancy.partner_id,
            body=event.to_json(),
            # The consumer's process span is current: the webhook continues this trace.
            traceparent=current_traceparent(),
            received_at=now,
        )
        .on_conflict_do_nothing(index_elements=["id"])
        .returning(col(ReceivedEventRow.id))
    )
    if stored.first() is None:
        return  # the same event id came in before (e.g. through another topic); already routed
    candidates = (
        await session.execute(
            select(SubscriptionRow).where(
                col(SubscriptionRow.status) == SubscriptionStatus.ACTIVE,
                col(SubscriptionRow.event_types).contains([event.type]),
            )
        )
    ).scalars()
    targets = recipients([routable(r) for r in candidates], event.type, event.data)
    await queue_deliveries(session, [new_delivery(t.row.id, event.id, event.type, now, now) for t in targets])


# A batch's received events, stored and routed-for in ONE statement (one round trip
# whatever the batch holds, even when nobody subscribes): the first row carries the ids
# that were new (another topic may have brought an event before), every other row is
# an active subscription to one of the new events' types, with only what routing needs.
# Inserted in batch order (ORDER BY ord), so received_events.seq follows it.
_STORE_AND_ROUTE = text(
    "WITH stored AS ("
    " INSERT INTO received_events (id, type, time, vendor_id, partner_id, body, traceparent, received_at)"
    " SELECT id, type, time, vendor_id, partner_id, body, traceparent, CAST(:now AS timestamptz)"
    " FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:times AS timestamptz[]),"
    " CAST(:vendors AS text[]), CAST(:partners AS text[]), CAST(:bodies AS bytea[]), CAST(:traceparents AS text[]))"
    " WITH ORDINALITY AS u(id, type, time, vendor_id, partner_id, body, traceparent, ord)"
    " ORDER BY ord"
    " ON CONFLICT (id) DO NOTHING RETURNING id, type)"
    " SELECT ARRAY(SELECT id FROM stored) AS new_ids, NULL::text AS id, NULL::text AS owner_role,"
    " NULL::text AS owner_vendor_id, NULL::text AS owner_partner_id, NULL::text[] AS owner_partner_ids,"
    " NULL::text[] AS event_types"
    " UNION ALL"
    " SELECT NULL, id, owner_role, owner_vendor_id, owner_partner_id, owner_partner_ids, event_types"
    " FROM subscriptions"
    " WHERE status = 'active' AND event_types && (SELECT array_agg(DISTINCT type) FROM stored)"
)

# The batch's deliveries in one statement, then one wake-up for the delivery worker.
# ORDER BY ord: seq is taken in event order, and the claim query breaks ties of
# next_attempt_at (the whole batch shares one) by seq, so each subscription gets its
# events in the order they came.
_QUEUE_MANY = text(  # built from constants only
    "WITH rows AS ("  # noqa: S608
    " INSERT INTO deliveries (id, subscription_id, event_id, event_type, status, attempts, next_attempt_at,"
    " created_at, updated_at)"
    " SELECT id, subscription_id, event_id, event_type, 'pending', 0, CAST(:now AS timestamptz),"
    " CAST(:now AS timestamptz), CAST(:now AS timestamptz)"
    " FROM unnest(CAST(:ids AS text[]), CAST(:subscriptions AS text[]), CAST(:events AS text[]),"
    " CAST(:types AS text[])) WITH ORDINALITY AS u(id, subscription_id, event_id, event_type, ord)"
    " ORDER BY ord RETURNING 1"
    f") SELECT pg_notify('{DELIVERIES_CHANNEL}', '')"
)


@dataclass(frozen=True)
class _Target:
    """An active subscription as the batch path routes it (no ORM row)."""

    id: str
    owner: SubscriptionOwner
    event_types: Collection[str]


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


async def on_events(session: AsyncSession, items: Sequence[BatchItem]) -> None:
    """on_event for a whole poll (the consumer's batch_handler), set-based.

    ``items`` are claimed, distinct and in delivery order. Two statements at most,
    whatever the batch's size: store the events and read the active subscriptions
    of their types; queue the deliveries (with the NOTIFY) if anyone gets one. On
    any failure the consumer rolls the batch back and replays it record by record
    through on_event.
    """
    if not items:
        return
    now = datetime.now(UTC)
    tenancies = [tenancy_of(item.event.data) for item in items]
    rows = (
        await session.execute(
            _STORE_AND_ROUTE,
            {
                "now": now,
                "ids": [item.event.id for item in items],
                "types": [item.event.type for item in items],
                "times": [_utc(item.event.time) for item in items],
                "vendors": [t.vendor_id for t in tenancies],
                "partners": [t.partner_id for t in tenancies],
                "bodies": [item.event.to_json() for item in items],
                "traceparents": [item.traceparent for item in items],
            },
        )
    ).all()
    new_ids = {event_id for row in rows if row.new_ids is not None for event_id in row.new_ids}
    fresh = [item.event for item in items if item.event.id in new_ids]
    targets = [
        _Target(
            id=r.id,
            owner=SubscriptionOwner(
                role=OwnerRole(r.owner_role),
                vendor_id=r.owner_vendor_id,
                partner_id=r.owner_partner_id,
                partner_ids=frozenset(r.owner_partner_ids),
            ),
            event_types=frozenset(r.event_types),
        )
        for r in rows
        if r.new_ids is None
    ]
    if not targets:
        return
    # Stable order within one event (the per-event path's order is the database's).
    targets.sort(key=lambda t: t.id)
    subscriptions: list[str] = []
    events: list[str] = []
    types: list[str] = []
    for event in fresh:
        for target in recipients(targets, event.type, event.data):
            subscriptions.append(target.id)
            events.append(event.id)
            types.append(event.type)
    if not subscriptions:
        return
    await session.execute(
        _QUEUE_MANY,
        {
            "now": now,
            "ids": [str(uuid.uuid4()) for _ in subscriptions],
            "subscriptions": subscriptions,
            "events": events,
            "types": types,
        },
    )


# Replays are capped so one request cannot queue an unbounded backlog.
MAX_REPLAY = 10_000


async def replay(session: AsyncSession, subscription: SubscriptionRow, since: datetime) -> list[DeliveryRow]:
    """Queue a new delivery of every event since ``since`` the subscription receives, in event order."""
    rows = (
        await session.execute(
            select(ReceivedEventRow)
            .where(
                col(ReceivedEventRow.time) >= since,
                col(ReceivedEventRow.type).in_(list(subscription.event_types)),
            )
            .order_by(col(ReceivedEventRow.time), col(ReceivedEventRow.seq))
            .limit(MAX_REPLAY)
        )
    ).scalars()
    target = routable(subscription)
    now = datetime.now(UTC)
    out: list[DeliveryRow] = []
    for event in rows:
        data = CloudEvent.from_json(event.body).data
        if recipients([target], event.type, data):
            # Due times a microsecond apart: the claim query takes them in event order.
            due = now + timedelta(microseconds=len(out))
            out.append(new_delivery(subscription.id, event.id, event.type, due, now))
    await queue_deliveries(session, out)
    return out
