"""Events in, deliveries out: store each event and queue one delivery per subscriber.

Runs in the consumer's transaction, so the event, its deliveries and the
processed-events mark are committed together: a crash never loses a delivery.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.batching import BatchItem
from events.envelope import CloudEvent
from events.tracecontext import current_traceparent
from notifications.adapters.tables import (
    ReceivedEventRow,
    SubscriptionRow,
    SubscriptionStatus,
)
from notifications.domain.ordering import CHAIN_LOCK_CLASS, chain_buckets, first_of_chain
from notifications.domain.routing import OwnerRole, SubscriptionOwner, recipients, tenancy_of
from notifications.service.owners import row_owner

# Wakes the delivery worker as soon as new deliveries are committed.
DELIVERIES_CHANNEL = "webhook_deliveries"


@dataclass(frozen=True)
class RoutableSubscription:
    """A subscription row as routing sees it."""

    row: SubscriptionRow
    owner: SubscriptionOwner
    event_types: Collection[str]


def routable(row: SubscriptionRow) -> RoutableSubscription:
    return RoutableSubscription(row=row, owner=row_owner(row), event_types=frozenset(row.event_types))


@dataclass(frozen=True)
class NewDelivery:
    """One event to queue for one subscription."""

    subscription_id: str
    event_id: str
    event_type: str
    subject: str | None


# Chain locks (domain.ordering), taken in the order given: callers pass the buckets ascending.
_LOCK_CHAINS = text("SELECT pg_advisory_xact_lock(CAST(:cls AS int), b) FROM unnest(CAST(:buckets AS int[])) AS b")


async def lock_chains(session: AsyncSession, buckets: Sequence[int]) -> None:
    """Hold these chain buckets until the transaction ends (a statement of its own: what the
    caller reads next must be read after the lock is held, with a snapshot taken after it)."""
    if buckets:
        await session.execute(_LOCK_CHAINS, {"cls": CHAIN_LOCK_CLASS, "buckets": list(buckets)})


# Deliveries in one statement, then one wake-up for the delivery worker. ORDER BY ord: seq is
# taken in the order given (the order events arrived), which is the order of each chain.
# A delivery is due at once only if it is the first of its chain among these (:firsts) and
# nothing of its chain is pending yet; otherwise it waits (next_attempt_at NULL) until the
# delivery worker moves the chain on. Run with the chains' locks held (queue_deliveries).
_QUEUE_MANY = text(  # built from constants only
    "WITH rows AS ("  # noqa: S608
    " INSERT INTO deliveries (id, subscription_id, event_id, event_type, subject, status, attempts,"
    " next_attempt_at, created_at, updated_at)"
    " SELECT u.id, u.subscription_id, u.event_id, u.event_type, u.subject, 'pending', 0,"
    " CASE WHEN u.subject IS NULL OR (u.first AND NOT EXISTS ("
    "   SELECT 1 FROM deliveries p WHERE p.subscription_id = u.subscription_id AND p.subject = u.subject"
    "   AND p.status = 'pending'))"
    " THEN CAST(:now AS timestamptz) END,"
    " CAST(:now AS timestamptz), CAST(:now AS timestamptz)"
    " FROM unnest(CAST(:ids AS text[]), CAST(:subscriptions AS text[]), CAST(:events AS text[]),"
    " CAST(:types AS text[]), CAST(:subjects AS text[]), CAST(:firsts AS boolean[]))"
    " WITH ORDINALITY AS u(id, subscription_id, event_id, event_type, subject, first, ord)"
    " ORDER BY u.ord RETURNING 1"
    f") SELECT pg_notify('{DELIVERIES_CHANNEL}', '')"
)


async def queue_deliveries(session: AsyncSession, deliveries: Sequence[NewDelivery], now: datetime) -> list[str]:
    """Queue deliveries (in the order given: each chain's order) in the caller's transaction; their ids.

    Two statements whatever their number: lock their chains, insert them.
    """
    if not deliveries:
        return []
    chains = [(d.subscription_id, d.subject) for d in deliveries]
    await lock_chains(session, chain_buckets(chains))
    ids = [str(uuid.uuid4()) for _ in deliveries]
    await session.execute(
        _QUEUE_MANY,
        {
            "now": now,
            "ids": ids,
            "subscriptions": [d.subscription_id for d in deliveries],
            "events": [d.event_id for d in deliveries],
            "types": [d.event_type for d in deliveries],
            "subjects": [d.subject for d in deliveries],
            "firsts": first_of_chain(chains),
        },
    )
    return ids


async def on_event(session: AsyncSession, event: CloudEvent) -> None:
    """Store the event as received and queue a delivery to every active subscriber."""
    now = datetime.now(UTC)
    tenancy = tenancy_of(event.data)
    stored = await session.execute(
        insert(ReceivedEventRow)
        .values(
            id=event.id,
            type=event.type,
            subject=event.subject,
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
    await queue_deliveries(
        session, [NewDelivery(t.row.id, event.id, event.type, event.subject) for t in sorted(targets, key=_row_id)], now
    )


def _row_id(target: RoutableSubscription) -> str:
    return target.row.id


# A batch's received events, stored and routed-for in ONE statement (one round trip
# whatever the batch holds, even when nobody subscribes): the first row carries the ids
# that were new (another topic may have brought an event before), every other row is
# an active subscription to one of the new events' types, with only what routing needs.
# Inserted in batch order (ORDER BY ord), so received_events.seq follows it.
_STORE_AND_ROUTE = text(
    "WITH stored AS ("
    " INSERT INTO received_events (id, type, subject, time, vendor_id, partner_id, body, traceparent, received_at)"
    " SELECT id, type, subject, time, vendor_id, partner_id, body, traceparent, CAST(:now AS timestamptz)"
    " FROM unnest(CAST(:ids AS text[]), CAST(:types AS text[]), CAST(:subjects AS text[]),"
    " CAST(:times AS timestamptz[]), CAST(:vendors AS text[]), CAST(:partners AS text[]), CAST(:bodies AS bytea[]),"
    " CAST(:traceparents AS text[]))"
    " WITH ORDINALITY AS u(id, type, subject, time, vendor_id, partner_id, body, traceparent, ord)"
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

    ``items`` are claimed, distinct and in delivery order. Three statements at most,
    whatever the batch's size: store the events and read the active subscriptions
    of their types; lock the chains and queue the deliveries (with the NOTIFY) if
    anyone gets one. On
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
                "subjects": [item.event.subject for item in items],
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
    queued = [
        NewDelivery(target.id, event.id, event.type, event.subject)
        for event in fresh
        for target in recipients(targets, event.type, event.data)
    ]
    await queue_deliveries(session, queued, now)
