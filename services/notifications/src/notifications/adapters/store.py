"""notifications' store on the request's (or the consumer batch's) session: every SQL statement of
the API and the intake.

Lock order, everywhere: subscription rows (FOR NO KEY UPDATE, by id), then chain locks
(ascending, domain.ordering), then delivery rows. Queueing deliveries takes chain locks only
(its foreign-key check's KEY SHARE on the subscription does not conflict with NO KEY UPDATE).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from notifications.adapters.tables import DeliveryRow, ReceivedEventRow, SubscriptionRow
from notifications.domain.model import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from notifications.domain.ordering import CHAIN_LOCK_CLASS, chain_buckets, first_of_chain
from notifications.domain.routing import OwnerRole, SubscriptionOwner
from notifications.service.ports import (
    DeliveryLogQuery,
    NewDelivery,
    ReceivedEvents,
    Replayed,
    ReplayPlan,
    SubjectRange,
    Target,
)

# Wakes the delivery worker as soon as new deliveries are committed.
DELIVERIES_CHANNEL = "webhook_deliveries"

# Chain locks (domain.ordering), taken in the order given: callers pass the buckets ascending.
_LOCK_CHAINS = text("SELECT pg_advisory_xact_lock(CAST(:cls AS int), b) FROM unnest(CAST(:buckets AS int[])) AS b")


async def lock_chains(session: AsyncSession, buckets: Sequence[int]) -> None:
    """Hold these chain buckets until the transaction ends (a statement of its own: what the
    caller reads next must be read after the lock is held, with a snapshot taken after it)."""
    if buckets:
        await session.execute(_LOCK_CHAINS, {"cls": CHAIN_LOCK_CLASS, "buckets": list(buckets)})


async def fail_pending(session: AsyncSession, subscription_id: str, reason: str, now: datetime) -> None:
    """The subscription's queued (not in-flight) deliveries fail with the reason."""
    await session.execute(
        update(DeliveryRow)
        .where(
            col(DeliveryRow.subscription_id) == subscription_id,
            col(DeliveryRow.status) == DeliveryStatus.PENDING,
            (col(DeliveryRow.lease_until).is_(None)) | (col(DeliveryRow.lease_until) < now),
        )
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason, updated_at=now)
    )


_SUBSCRIPTION_FIELDS = tuple(f.name for f in fields(Subscription))
_DELIVERY_FIELDS = tuple(f.name for f in fields(Delivery))


def subscription_of(row: SubscriptionRow) -> Subscription:
    values = {name: getattr(row, name) for name in _SUBSCRIPTION_FIELDS}
    values["owner_partner_ids"] = list(row.owner_partner_ids)
    values["event_types"] = list(row.event_types)
    return Subscription(**values)


def delivery_of(row: DeliveryRow) -> Delivery:
    return Delivery(**{name: getattr(row, name) for name in _DELIVERY_FIELDS})


def write_back(row: Any, changed: Subscription | Delivery) -> None:
    """Copy what changed onto the (identity-mapped) row: the flush updates those columns only."""
    for f in fields(changed):
        value = getattr(changed, f.name)
        if getattr(row, f.name) != value:
            setattr(row, f.name, value)


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

# Replays and redeliveries per subscription and hour (table replay_requests), and one replay at a time:
# held until the replay's transaction ends.
_ONE_AT_A_TIME = text("SELECT pg_try_advisory_xact_lock(hashtextextended('replay:' || :sid, 0))")
_RECENT = text(
    "SELECT requested_at FROM replay_requests"
    " WHERE subscription_id = :sid AND kind = :kind AND requested_at > :since ORDER BY requested_at"
)
_FORGET = text("DELETE FROM replay_requests WHERE subscription_id = :sid AND kind = :kind AND requested_at <= :since")
_RECORD = text("INSERT INTO replay_requests (subscription_id, kind, requested_at) VALUES (:sid, :kind, :now)")

# A replay's range, selected in SQL by the owner's tenancy and the subscription's event types (never
# read and filtered afterwards): one clause per role over received_events e (see
# domain.routing.may_see: an event without the owner's id reaches nobody but admins).
_TENANCY = {
    OwnerRole.ADMIN: "TRUE",
    OwnerRole.VENDOR: "e.vendor_id = :vendor_id",
    OwnerRole.PARTNER: "e.partner_id = :partner_id",
    OwnerRole.AGGREGATOR: "e.partner_id = ANY(CAST(:partner_ids AS text[]))",
}
_RANGE = "e.time >= :since AND e.type = ANY(CAST(:types AS text[])) AND {tenancy}"


def _subjects_sql(tenancy: str) -> Any:
    return text(  # built from constants only
        "SELECT e.subject, count(*) AS n, max(e.seq) AS last_seq FROM received_events e"  # noqa: S608
        f" WHERE {_RANGE.format(tenancy=tenancy)} GROUP BY e.subject"
    )


# One page, in arrival order (seq), queued in that order. A deal's first delivery of the page is
# due at once only if nothing of its chain is pending (earlier pages' rows are visible: they are
# this transaction's); every other one waits for its turn.
def _page_sql(tenancy: str) -> Any:
    return text(  # built from constants only
        "WITH page AS ("  # noqa: S608
        " SELECT e.id, e.type, e.subject, e.seq FROM received_events e"
        f" WHERE {_RANGE.format(tenancy=tenancy)} AND e.seq > :after AND e.seq <= :upto ORDER BY e.seq LIMIT :page"
        "), queued AS ("
        " INSERT INTO deliveries (id, subscription_id, event_id, event_type, subject, status, attempts,"
        " next_attempt_at, created_at, updated_at)"
        " SELECT gen_random_uuid()::text, :subscription_id, p.id, p.type, p.subject, 'pending', 0,"
        " CASE WHEN p.subject IS NULL OR (row_number() OVER (PARTITION BY p.subject ORDER BY p.seq) = 1"
        "   AND NOT EXISTS (SELECT 1 FROM deliveries w WHERE w.subscription_id = :subscription_id"
        "   AND w.subject = p.subject AND w.status = 'pending'))"
        " THEN CAST(:now AS timestamptz) END,"
        " CAST(:now AS timestamptz), CAST(:now AS timestamptz)"
        " FROM page p ORDER BY p.seq"
        " RETURNING id, seq)"
        " SELECT (SELECT max(seq) FROM page) AS last_seq, (SELECT count(*) FROM page) AS n,"
        " ARRAY(SELECT id FROM queued ORDER BY seq) AS ids"
    )


_NOTIFY = text(f"SELECT pg_notify('{DELIVERIES_CHANNEL}', '')")


def _range_params(subscription: Subscription, since: datetime) -> dict[str, Any]:
    return {
        "since": since,
        "types": list(subscription.event_types),
        "vendor_id": subscription.owner_vendor_id,
        "partner_id": subscription.owner_partner_id,
        "partner_ids": list(subscription.owner_partner_ids),
    }


class PgStore:
    """SubscriptionStore and IntakeStore on one AsyncSession (the request's or the batch's)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def transaction(self) -> AbstractAsyncContextManager[object]:
        return self._session.begin()

    # -- the intake ---------------------------------------------------------------------------

    async def store_events(self, events: ReceivedEvents, now: datetime) -> tuple[set[str], list[Target]]:
        rows = (
            await self._session.execute(
                _STORE_AND_ROUTE,
                {
                    "now": now,
                    "ids": events.ids,
                    "types": events.types,
                    "subjects": events.subjects,
                    "times": events.times,
                    "vendors": events.vendor_ids,
                    "partners": events.partner_ids,
                    "bodies": events.bodies,
                    "traceparents": events.traceparents,
                },
            )
        ).all()
        new_ids = {event_id for row in rows if row.new_ids is not None for event_id in row.new_ids}
        targets = [
            Target(
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
        return new_ids, targets

    async def queue_deliveries(self, deliveries: Sequence[NewDelivery], now: datetime) -> list[str]:
        """Two statements whatever their number: lock their chains, insert them (with the NOTIFY)."""
        if not deliveries:
            return []
        chains = [(d.subscription_id, d.subject) for d in deliveries]
        await lock_chains(self._session, chain_buckets(chains))
        ids = [str(uuid.uuid4()) for _ in deliveries]
        await self._session.execute(
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

    # -- subscriptions ------------------------------------------------------------------------

    async def get_subscription(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        # FOR NO KEY UPDATE: the id never changes, and deliveries being queued (their foreign key takes
        # KEY SHARE on this row) need not wait for it (see domain.ordering: lock order).
        row = await self._session.get(
            SubscriptionRow, subscription_id, with_for_update={"key_share": True} if lock else False
        )
        return None if row is None else subscription_of(row)

    async def add_subscription(self, subscription: Subscription) -> None:
        self._session.add(SubscriptionRow(**{f: getattr(subscription, f) for f in _SUBSCRIPTION_FIELDS}))

    async def save_subscription(self, subscription: Subscription) -> None:
        row = await self._session.get(SubscriptionRow, subscription.id)  # the identity map's: no statement
        assert row is not None
        write_back(row, subscription)

    async def list_subscriptions(
        self, *, owner_key: str | None, status: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[Subscription]:
        query = select(SubscriptionRow).where(col(SubscriptionRow.status) != SubscriptionStatus.DELETED)
        if owner_key is not None:
            query = query.where(col(SubscriptionRow.owner_key) == owner_key)
        if status is not None:
            query = query.where(col(SubscriptionRow.status) == status)
        if after is not None:
            query = query.where(tuple_(col(SubscriptionRow.created_at), col(SubscriptionRow.id)) > after)
        query = query.order_by(col(SubscriptionRow.created_at), col(SubscriptionRow.id)).limit(limit)
        return [subscription_of(r) for r in (await self._session.execute(query)).scalars()]

    async def fail_pending(self, subscription_id: str, reason: str, now: datetime) -> None:
        await fail_pending(self._session, subscription_id, reason, now)

    # -- the delivery log ---------------------------------------------------------------------

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = await self._session.get(DeliveryRow, delivery_id)
        return None if row is None else delivery_of(row)

    async def list_deliveries(self, q: DeliveryLogQuery) -> list[Delivery]:
        query = select(DeliveryRow).join(SubscriptionRow, col(SubscriptionRow.id) == col(DeliveryRow.subscription_id))
        if q.owner_key is not None:
            query = query.where(col(SubscriptionRow.owner_key) == q.owner_key)
        if q.subscription_id is not None:
            query = query.where(col(DeliveryRow.subscription_id) == q.subscription_id)
        if q.status is not None:
            query = query.where(col(DeliveryRow.status) == q.status)
        if q.event_id is not None:
            query = query.where(col(DeliveryRow.event_id) == q.event_id)
        if q.before_seq is not None:
            query = query.where(col(DeliveryRow.seq) < q.before_seq)
        query = query.order_by(col(DeliveryRow.seq).desc()).limit(q.limit)
        return [delivery_of(r) for r in (await self._session.execute(query)).scalars()]

    async def subject_of_event(self, event_id: str, fallback: str | None) -> str | None:
        event = await self._session.get(ReceivedEventRow, event_id)
        return event.subject if event is not None else fallback

    # -- replays and their limits -------------------------------------------------------------

    async def try_lock_replay(self, subscription_id: str) -> bool:
        return bool(await self._session.scalar(_ONE_AT_A_TIME, {"sid": subscription_id}))

    async def recent_requests(self, subscription_id: str, kind: str, since: datetime) -> list[datetime]:
        params = {"sid": subscription_id, "kind": kind, "since": since}
        await self._session.execute(_FORGET, params)
        return list((await self._session.execute(_RECENT, params)).scalars())

    async def record_request(self, subscription_id: str, kind: str, now: datetime) -> None:
        await self._session.execute(_RECORD, {"sid": subscription_id, "kind": kind, "now": now})

    async def replay_subjects(self, subscription: Subscription, since: datetime) -> list[SubjectRange]:
        tenancy = _TENANCY[OwnerRole(subscription.owner_role)]
        rows = (await self._session.execute(_subjects_sql(tenancy), _range_params(subscription, since))).all()
        return [SubjectRange(r.subject, int(r.n), int(r.last_seq)) for r in rows]

    async def queue_replay(self, plan: ReplayPlan) -> Replayed:
        sub, page, ids_shown = plan.subscription, plan.page, plan.ids_shown
        # Events that arrive from now on are not part of this replay (they are delivered anyway).
        upto = max(s.last_seq for s in plan.subjects)
        await lock_chains(self._session, chain_buckets((sub.id, s.subject) for s in plan.subjects))
        statement = _page_sql(_TENANCY[OwnerRole(sub.owner_role)])
        params = {**_range_params(sub, plan.since), "subscription_id": sub.id, "now": plan.now}
        after, queued, shown = 0, 0, list[str]()
        while True:
            row = (await self._session.execute(statement, {**params, "after": after, "upto": upto, "page": page})).one()
            queued += int(row.n)
            shown.extend(row.ids[: max(ids_shown - len(shown), 0)])
            if row.n < page:
                break
            after = int(row.last_seq)
        await self._session.execute(_NOTIFY)
        return Replayed(queued, shown)
