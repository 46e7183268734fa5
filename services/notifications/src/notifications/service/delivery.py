"""The delivery worker: claim due deliveries, send them, record what happened.

Claims are leases: a claim sets ``lease_until`` and commits, so a delivery is in
flight in exactly one worker until the lease runs out; a killed process's claims
simply expire and any replica (or the restarted process) takes them again. The
claim query uses FOR UPDATE SKIP LOCKED, so replicas never wait on each other.

Concurrency: a shared pool of ``webhook_concurrency`` sends, of which one
subscription holds at most ``webhook_subscription_concurrency`` (per process), so
a slow or dead receiver ties up only its own slots and never delays the others.

Order: a deal's deliveries to one subscription form a chain (domain.ordering); only
its head is due, the others wait (next_attempt_at NULL). When the head succeeds or
finally fails, the same transaction makes the next one due, holding the chain's lock
so that a delivery queued meanwhile is never left behind. A retried head keeps its
chain waiting until it is done.

Lock order, everywhere: subscription rows (FOR NO KEY UPDATE, by id), then chain
locks (ascending), then delivery rows. Queueing deliveries takes chain locks only (its
foreign-key check's KEY SHARE on the subscription does not conflict with NO KEY UPDATE).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
import structlog
from opentelemetry import propagate, trace
from prometheus_client import Counter as MetricCounter
from prometheus_client import Histogram
from sqlalchemy import Row, text, update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import CONTENT_TYPE, CloudEvent
from events.pglisten import listen_forever
from events.tracecontext import context_from_traceparent
from notifications.adapters.secret_box import reveal
from notifications.adapters.tables import (
    DeliveryRow,
    DeliveryStatus,
    SubscriptionRow,
    SubscriptionStatus,
)
from notifications.adapters.webhook_client import Attempt, new_client, post_webhook
from notifications.config import Settings
from notifications.domain.ordering import chain_bucket, chain_buckets
from notifications.domain.outcomes import OutcomeKind, classify, should_disable_subscription
from notifications.domain.retry_schedule import UniformSource, next_attempt_at
from notifications.domain.routing import OwnerRole, SubscriptionOwner, visible_data
from notifications.domain.signing import delivery_headers, secrets_in_force
from notifications.service.intake import DELIVERIES_CHANNEL, lock_chains
from notifications.service.owners import row_owner

log = structlog.get_logger("notifications.delivery")
tracer = trace.get_tracer("notifications.delivery")

ATTEMPTS = MetricCounter("webhook_attempts_total", "Webhook delivery attempts by outcome", ["outcome"])
ATTEMPT_SECONDS = Histogram("webhook_attempt_seconds", "Duration of one webhook attempt")

USER_AGENT = "channel-platform-webhooks/1.0"

# Claims this process took but never attempted (the database went away between claiming
# and sending). The next worker started in this process hands them back at once instead
# of leaving them leased until the lease expires. An attempt cut off mid-flight keeps its
# lease: the receiver may still be handling it, so it is not sent again before then.
_unfinished: dict[str, datetime] = {}

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


@dataclass(frozen=True)
class Claimed:
    delivery_id: str
    subscription_id: str
    event_id: str
    lease_until: datetime
    subject: str | None = None  # the chain it heads (None: no chain)


@dataclass(frozen=True)
class Prepared:
    """Everything one attempt sends; built from the rows at claim time."""

    claim: Claimed
    url: str
    body: bytes
    headers: dict[str, str]
    traceparent: str | None


def body_for(owner_role: str, stored: bytes, subscription: SubscriptionRow) -> bytes:
    """The stored CloudEvent, minus what the owner may not see (partners never get vendor-only fields)."""
    if owner_role in (OwnerRole.VENDOR, OwnerRole.ADMIN):
        return stored
    return visible_body(row_owner(subscription), stored)


def visible_body(owner: SubscriptionOwner, stored: bytes) -> bytes:
    """body_for, given the owner: vendors and admins get the stored bytes as they are."""
    if owner.role in (OwnerRole.VENDOR, OwnerRole.ADMIN):
        return stored
    event = CloudEvent.from_json(stored)
    data = visible_data(owner, event.data)
    if data == event.data:
        return stored
    return event.model_copy(update={"data": data}).to_json()


def owner_of_claim(row: Row[Any]) -> SubscriptionOwner:
    return SubscriptionOwner(
        role=OwnerRole(row.owner_role),
        vendor_id=row.owner_vendor_id,
        partner_id=row.owner_partner_id,
        partner_ids=frozenset(row.owner_partner_ids),
    )


def prepare_claimed(row: Row[Any], lease_until: datetime, now: datetime) -> Prepared:
    """One claimed row (delivery, subscription and event columns) as the attempt it sends."""
    claim = Claimed(row.id, row.subscription_id, row.event_id, lease_until, row.subject)
    body = visible_body(owner_of_claim(row), row.body)
    # Raw SQL reads the stored ciphertext (the ORM type decrypts only ORM reads).
    secret = reveal(row.secret)
    assert secret is not None
    secrets = secrets_in_force(secret, reveal(row.previous_secret), row.previous_secret_expires_at, now)
    # webhook-id is the event id: the same on every retry, so receivers can deduplicate.
    headers = delivery_headers(secrets, row.event_id, now, body)
    headers["content-type"] = CONTENT_TYPE
    headers["user-agent"] = USER_AGENT
    return Prepared(claim, row.url, body, headers, row.traceparent)


@dataclass
class _Finished:
    """An attempt made, waiting for its outcome to be written."""

    claim: Claimed
    attempt: Attempt
    written: asyncio.Future[None]


class DeliveryWorker:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        settings: Settings,
        rng: UniformSource | None = None,
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._rng: UniformSource = rng or random.SystemRandom()
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._per_subscription: Counter[str] = Counter()
        self._client: httpx.AsyncClient | None = None
        self._finished: list[_Finished] = []
        self._finished_wake = asyncio.Event()

    async def release_unfinished(self) -> None:
        if not _unfinished:
            return
        async with self._sessions() as session, session.begin():
            await session.execute(_RELEASE, [{"id": d, "lease": lease} for d, lease in _unfinished.items()])
        log.info("released unfinished webhook claims", count=len(_unfinished))
        _unfinished.clear()

    async def run(self) -> None:
        await self.release_unfinished()
        listener = asyncio.create_task(
            listen_forever(self._settings.asyncpg_dsn, DELIVERIES_CHANNEL, self._wake), name="deliveries-listen"
        )
        recorder = asyncio.create_task(self._record_loop(), name="deliveries-record")
        self._client = new_client()
        try:
            while True:
                room = self._settings.webhook_concurrency - len(self._in_flight)
                claimed: list[Prepared] = []
                if room > 0:
                    claimed = await self.claim(room)
                    for prepared in claimed:
                        self._start(prepared)
                if claimed and len(claimed) == room:
                    continue  # more may be due right now
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._settings.webhook_poll_interval):
                        await self._wake.wait()
                self._wake.clear()
        finally:
            listener.cancel()
            tasks = list(self._in_flight.values())
            for task in tasks:
                task.cancel()
            # Cancelled attempts keep their lease; it expires and they are retried.
            await asyncio.gather(listener, *tasks, return_exceptions=True)
            recorder.cancel()
            await asyncio.gather(recorder, return_exceptions=True)
            await self._client.aclose()

    def _start(self, prepared: Prepared) -> None:
        sub = prepared.claim.subscription_id
        self._per_subscription[sub] += 1
        task = asyncio.create_task(self._attempt(prepared), name=f"webhook-{prepared.claim.delivery_id}")
        self._in_flight[prepared.claim.delivery_id] = task

        def done(_: asyncio.Task[None]) -> None:
            self._in_flight.pop(prepared.claim.delivery_id, None)
            self._per_subscription[sub] -= 1
            if self._per_subscription[sub] <= 0:
                del self._per_subscription[sub]
            self._wake.set()

        task.add_done_callback(done)

    async def claim(self, limit: int) -> list[Prepared]:
        """Lease up to ``limit`` due deliveries and build their attempts, in claim order.

        One statement leases them and returns their subscriptions' and events' columns.
        """
        now = datetime.now(UTC)
        lease_until = now + self._settings.webhook_lease
        per_sub = self._settings.webhook_subscription_concurrency
        busy = {s: n for s, n in self._per_subscription.items() if n > 0}
        full = [s for s, n in busy.items() if n >= per_sub]
        async with self._sessions() as session, session.begin():
            rows = (
                await session.execute(
                    _CLAIM,
                    {
                        "now": now,
                        "full": full,
                        "scan": limit * 4,
                        "per_sub": per_sub,
                        "busy_ids": list(busy),
                        "busy_counts": list(busy.values()),
                        "n": limit,
                        "lease_until": lease_until,
                    },
                )
            ).all()
        # RETURNING has no order: start each subscription's deliveries in the order claimed.
        rows = sorted(rows, key=lambda r: (r.next_attempt_at, r.seq))
        try:
            signed_at = datetime.now(UTC)
            return [prepare_claimed(r, lease_until, signed_at) for r in rows]
        except BaseException:
            _unfinished.update({r.id: lease_until for r in rows})
            raise

    async def _attempt(self, prepared: Prepared) -> None:
        try:
            with tracer.start_as_current_span(
                "webhook send", context=context_from_traceparent(prepared.traceparent), kind=trace.SpanKind.CLIENT
            ) as span:
                span.set_attribute("webhook.delivery_id", prepared.claim.delivery_id)
                span.set_attribute("webhook.subscription_id", prepared.claim.subscription_id)
                span.set_attribute("event.id", prepared.claim.event_id)
                headers = dict(prepared.headers)
                propagate.inject(headers)  # the receiver sees the event's trace continue
                assert self._client is not None
                attempt = await post_webhook(
                    self._client,
                    prepared.url,
                    prepared.body,
                    headers,
                    allow_private=self._settings.webhook_allow_private,
                    timeout=self._settings.webhook_timeout,
                    max_redirects=self._settings.webhook_max_redirects,
                )
                if attempt.result.status_code is not None:
                    span.set_attribute("http.response.status_code", attempt.result.status_code)
            ATTEMPT_SECONDS.observe(attempt.result.duration.total_seconds())
            if classify(attempt.result, self._settings.webhook_timeout).kind is OutcomeKind.SUCCEEDED:
                await self._record_success(prepared.claim, attempt)
            else:
                await self.record(prepared.claim, attempt)
        except asyncio.CancelledError:
            raise
        except Exception:
            # The lease expires and the delivery is tried again; never lose it.
            log.exception("webhook attempt crashed", delivery_id=prepared.claim.delivery_id)

    async def _record_success(self, claim: Claimed, attempt: Attempt) -> None:
        """Hand a success to the recorder and wait until it is committed (the slot is held until then)."""
        written: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._finished.append(_Finished(claim, attempt, written))
        self._finished_wake.set()
        await written

    async def _record_loop(self) -> None:
        """Writes the successes that finished meanwhile, one transaction per batch."""
        while True:
            await self._finished_wake.wait()
            self._finished_wake.clear()
            batch, self._finished = self._finished, []
            if not batch:
                continue
            try:
                await self.record_successes([(f.claim, f.attempt) for f in batch])
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                for f in batch:
                    if not f.written.done():
                        f.written.set_exception(exc)
            else:
                for f in batch:
                    if not f.written.done():
                        f.written.set_result(None)

    async def record_successes(self, done: Sequence[tuple[Claimed, Attempt]]) -> None:
        """record() for successful attempts, set-based: two statements for the whole batch.

        A delivery whose lease is no longer ours (another worker took it over) is left alone.
        """
        if not done:
            return
        ATTEMPTS.labels(OutcomeKind.SUCCEEDED.value).inc(len(done))
        now = datetime.now(UTC)
        async with self._sessions() as session, session.begin():
            await session.execute(_LOCK_SUBSCRIPTIONS, {"ids": sorted({c.subscription_id for c, _ in done})})
            await lock_chains(session, chain_buckets((c.subscription_id, c.subject) for c, _ in done))
            await session.execute(
                _SUCCEEDED,
                {
                    "now": now,
                    "ids": [c.delivery_id for c, _ in done],
                    "leases": [c.lease_until for c, _ in done],
                    "codes": [a.result.status_code for _, a in done],
                },
            )

    async def record(self, claim: Claimed, attempt: Attempt) -> None:
        """Apply one attempt's outcome to the delivery and its subscription."""
        settings = self._settings
        outcome = classify(attempt.result, settings.webhook_timeout)
        ATTEMPTS.labels(outcome.kind.value).inc()
        now = datetime.now(UTC)
        reason = f"{outcome.reason}: {attempt.detail}" if attempt.detail else outcome.reason
        async with self._sessions() as session, session.begin():
            # Subscription, chain, delivery: the same lock order everywhere (no deadlocks).
            sub = await session.get(SubscriptionRow, claim.subscription_id, with_for_update={"key_share": True})
            if claim.subject is not None:
                await lock_chains(session, [chain_bucket(claim.subscription_id, claim.subject)])
            delivery = await session.get(DeliveryRow, claim.delivery_id, with_for_update=True)
            if sub is None or delivery is None:
                return
            if delivery.status != DeliveryStatus.PENDING or delivery.lease_until != claim.lease_until:
                return  # our lease ran out and another worker took the delivery over
            delivery.attempts += 1
            delivery.last_attempt_at = now
            delivery.last_status_code = attempt.result.status_code
            delivery.last_error = None if outcome.kind is OutcomeKind.SUCCEEDED else reason
            delivery.lease_until = None
            delivery.updated_at = now
            if outcome.kind is OutcomeKind.SUCCEEDED:
                delivery.status = DeliveryStatus.SUCCEEDED
                delivery.next_attempt_at = None
                sub.failing_since = None
                sub.last_success_at = now
                return
            failing_since = sub.failing_since or now
            sub.failing_since = failing_since
            if outcome.kind is OutcomeKind.GONE:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                await disable(session, sub, "the receiver answered 410 Gone", now)
                return
            due = next_attempt_at(
                delivery.attempts, now, settings.webhook_retry_schedule, self._rng, outcome.retry_after
            )
            if due is None or sub.status != SubscriptionStatus.ACTIVE:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = None
                # Finally failed: the deal's next delivery goes (its order is kept, not its fate).
                await session.flush()
                await move_chain_on(session, delivery, now)
            else:
                delivery.next_attempt_at = due  # the head retries; the rest of its chain keeps waiting
            if sub.status == SubscriptionStatus.ACTIVE and should_disable_subscription(
                failing_since, sub.last_success_at, now, settings.webhook_disable_after
            ):
                await disable(session, sub, f"every delivery failed since {failing_since.isoformat()}", now)


async def move_chain_on(session: AsyncSession, done: DeliveryRow, now: datetime) -> None:
    """``done`` left pending (its chain's lock is held): the next delivery of its chain becomes due."""
    if done.subject is None:
        return
    await session.execute(
        _MOVE_CHAIN_ON,
        {"now": now, "subscription_id": done.subscription_id, "subject": done.subject, "done": done.id},
    )


async def disable(session: AsyncSession, sub: SubscriptionRow, reason: str, now: datetime) -> None:
    """Disable a subscription; its queued (not in-flight) deliveries fail with the reason."""
    sub.status = SubscriptionStatus.DISABLED
    sub.disabled_reason = reason
    sub.updated_at = now
    sub.version += 1
    await fail_pending(session, sub.id, f"subscription disabled: {reason}", now)
    log.warning("subscription disabled", subscription_id=sub.id, reason=reason)


async def fail_pending(session: AsyncSession, subscription_id: str, reason: str, now: datetime) -> None:
    await session.execute(
        update(DeliveryRow)
        .where(
            col(DeliveryRow.subscription_id) == subscription_id,
            col(DeliveryRow.status) == DeliveryStatus.PENDING,
            (col(DeliveryRow.lease_until).is_(None)) | (col(DeliveryRow.lease_until) < now),
        )
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None, last_error=reason, updated_at=now)
    )
