"""The delivery worker's store: claim due deliveries, record what their attempts did.

Claims are leases: a claim sets ``lease_until`` and commits, so a delivery is in flight in
exactly one worker until the lease runs out. The claim query uses FOR UPDATE SKIP LOCKED,
so replicas never wait on each other. Each call is one short transaction of its own; the
statements and their round trips are the measured hot path (webhook deliveries/s).

Lock order, everywhere: subscription rows (FOR NO KEY UPDATE, by id), then chain locks
(ascending), then delivery rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.adapters.store import delivery_of, fail_pending, lock_chains, subscription_of, write_back
from notifications.adapters.tables import DeliveryRow, SubscriptionRow
from notifications.domain.ordering import chain_bucket, chain_buckets
from notifications.service.ports import Claimed, ClaimedRow, ClaimRequest, Decide, Success

_RELEASE = text(
    "UPDATE deliveries SET lease_until = NULL WHERE id = :id AND lease_until = :lease AND status = 'pending'"
)

_CLAIM = text(
    """
    WITH due AS (
        SELECT d.id, d.subscription_id, d.next_attempt_at, d.seq
        FROM deliveries d JOIN subscriptions s ON s.id = d.subscription_id
        WHERE d.status = 'pending' AND d.next_attempt_at <= :now
          AND (d.lease_until IS NULL OR d.lease_until < :now)
          AND s.status = 'active'
          AND NOT (d.subscription_id = ANY(CAST(:full AS text[])))
          -- Only a chain's head: waiting rows are not due at all; this guards rows that were
          -- queued due before (the migration) or by a race the chain locks did not cover.
          AND NOT EXISTS (
              SELECT 1 FROM deliveries e
              WHERE e.subscription_id = d.subscription_id AND e.subject = d.subject
                AND e.status = 'pending' AND e.seq < d.seq
          )
        ORDER BY d.next_attempt_at, d.seq
        LIMIT :scan
        FOR UPDATE OF d SKIP LOCKED
    ), ranked AS (
        SELECT due.id, due.next_attempt_at, due.seq,
               row_number() OVER (PARTITION BY due.subscription_id ORDER BY due.next_attempt_at, due.seq) AS rn,
               :per_sub - COALESCE(busy.n, 0) AS room
        FROM due LEFT JOIN unnest(CAST(:busy_ids AS text[]), CAST(:busy_counts AS int[])) AS busy(sid, n)
             ON busy.sid = due.subscription_id
    ), chosen AS (
        SELECT id FROM ranked WHERE rn <= room ORDER BY next_attempt_at, seq LIMIT :n
    )
    UPDATE deliveries d SET lease_until = :lease_until
    FROM chosen, subscriptions s, received_events e
    WHERE d.id = chosen.id AND s.id = d.subscription_id AND e.id = d.event_id
    RETURNING d.id, d.subscription_id, d.event_id, d.subject, d.next_attempt_at, d.seq,
              s.url, s.secret, s.previous_secret, s.previous_secret_expires_at,
              s.owner_role, s.owner_vendor_id, s.owner_partner_id, s.owner_partner_ids,
              e.body, e.traceparent
    """
)

# Successful attempts, a batch at a time: the deliveries whose lease is still ours
# succeed, the next delivery of each one's chain becomes due, and their subscriptions'
# run of failures ends. The subscriptions are locked first (by _LOCK_SUBSCRIPTIONS, in id
# order), then the chains: the lock order of record().
_LOCK_SUBSCRIPTIONS = text(
    "SELECT id FROM subscriptions WHERE id = ANY(CAST(:ids AS text[])) ORDER BY id FOR NO KEY UPDATE"
)
_SUCCEEDED = text(
    """
    WITH done AS (
        UPDATE deliveries d
        SET status = 'succeeded', attempts = d.attempts + 1, last_attempt_at = CAST(:now AS timestamptz),
            last_status_code = u.code, last_error = NULL, lease_until = NULL, next_attempt_at = NULL,
            updated_at = CAST(:now AS timestamptz)
        FROM unnest(CAST(:ids AS text[]), CAST(:leases AS timestamptz[]), CAST(:codes AS int[])) AS u(id, lease, code)
        WHERE d.id = u.id AND d.status = 'pending' AND d.lease_until = u.lease
        RETURNING d.subscription_id, d.subject
    ), moved_on AS (
        UPDATE deliveries w SET next_attempt_at = CAST(:now AS timestamptz), updated_at = CAST(:now AS timestamptz)
        FROM done, LATERAL (
            SELECT n.id FROM deliveries n
            WHERE n.subscription_id = done.subscription_id AND n.subject = done.subject AND n.status = 'pending'
              AND n.id <> ALL(CAST(:ids AS text[]))
            ORDER BY n.seq LIMIT 1
        ) nxt
        WHERE w.id = nxt.id AND w.next_attempt_at IS NULL
        RETURNING 1
    )
    UPDATE subscriptions SET failing_since = NULL, last_success_at = CAST(:now AS timestamptz)
    WHERE id IN (SELECT subscription_id FROM done)
    """
)

# A chain's head finally failed: the next delivery of the chain becomes due (chain lock held).
_MOVE_CHAIN_ON = text(
    """
    UPDATE deliveries w SET next_attempt_at = CAST(:now AS timestamptz), updated_at = CAST(:now AS timestamptz)
    FROM (
        SELECT n.id FROM deliveries n
        WHERE n.subscription_id = :subscription_id AND n.subject = :subject AND n.status = 'pending'
          AND n.id <> :done
        ORDER BY n.seq LIMIT 1
    ) nxt
    WHERE w.id = nxt.id AND w.next_attempt_at IS NULL
    """
)


class PgDeliveryStore:
    """DeliveryStore over the service's sessions (one transaction per call)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def release(self, leases: Mapping[str, datetime]) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(_RELEASE, [{"id": d, "lease": lease} for d, lease in leases.items()])

    async def claim(self, request: ClaimRequest) -> list[ClaimedRow]:
        """One statement leases them and returns their subscriptions' and events' columns."""
        busy, per_subscription, limit = request.busy, request.per_subscription, request.limit
        full = [s for s, n in busy.items() if n >= per_subscription]
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    _CLAIM,
                    {
                        "now": request.now,
                        "full": full,
                        "scan": limit * 4,
                        "per_sub": per_subscription,
                        "busy_ids": list(busy),
                        "busy_counts": list(busy.values()),
                        "n": limit,
                        "lease_until": request.lease_until,
                    },
                )
            ).all()
        # Raw SQL reads the stored ciphertext (the ORM type decrypts only ORM reads): sealed here.
        return [
            ClaimedRow(
                delivery_id=r.id,
                subscription_id=r.subscription_id,
                event_id=r.event_id,
                subject=r.subject,
                next_attempt_at=r.next_attempt_at,
                seq=r.seq,
                url=r.url,
                sealed_secret=r.secret,
                sealed_previous_secret=r.previous_secret,
                previous_secret_expires_at=r.previous_secret_expires_at,
                owner_role=r.owner_role,
                owner_vendor_id=r.owner_vendor_id,
                owner_partner_id=r.owner_partner_id,
                owner_partner_ids=r.owner_partner_ids,
                body=r.body,
                traceparent=r.traceparent,
            )
            for r in rows
        ]

    async def record_successes(self, done: Sequence[Success], now: datetime) -> None:
        """Two statements for the whole batch (after the subscription and chain locks)."""
        async with self._sessions() as session, session.begin():
            await session.execute(_LOCK_SUBSCRIPTIONS, {"ids": sorted({s.claim.subscription_id for s in done})})
            await lock_chains(session, chain_buckets((s.claim.subscription_id, s.claim.subject) for s in done))
            await session.execute(
                _SUCCEEDED,
                {
                    "now": now,
                    "ids": [s.claim.delivery_id for s in done],
                    "leases": [s.claim.lease_until for s in done],
                    "codes": [s.status_code for s in done],
                },
            )

    async def record_outcome(self, claim: Claimed, now: datetime, decide: Decide) -> None:
        async with self._sessions() as session, session.begin():
            # Subscription, chain, delivery: the same lock order everywhere (no deadlocks).
            sub_row = await session.get(SubscriptionRow, claim.subscription_id, with_for_update={"key_share": True})
            if claim.subject is not None:
                await lock_chains(session, [chain_bucket(claim.subscription_id, claim.subject)])
            delivery_row = await session.get(DeliveryRow, claim.delivery_id, with_for_update=True)
            if sub_row is None or delivery_row is None:
                return
            delivery, subscription = delivery_of(delivery_row), subscription_of(sub_row)
            followups = decide(delivery, subscription)
            if followups is None:
                return
            write_back(delivery_row, delivery)
            write_back(sub_row, subscription)
            if followups.move_chain_on and delivery.subject is not None:
                await session.flush()
                await session.execute(
                    _MOVE_CHAIN_ON,
                    {
                        "now": now,
                        "subscription_id": delivery.subscription_id,
                        "subject": delivery.subject,
                        "done": delivery.id,
                    },
                )
            if followups.fail_pending is not None:
                await fail_pending(session, subscription.id, followups.fail_pending, now)
