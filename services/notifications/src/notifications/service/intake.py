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

from events.envelope import CloudEvent
from events.tracecontext import current_traceparent
from notifications.adapters.tables import (
    DeliveryRow,
    DeliveryStatus,
    ReceivedEventRow,
    SubscriptionRow,
    SubscriptionStatus,
)
from notifications.domain.routing import SubscriptionOwner, recipients, tenancy_of
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
