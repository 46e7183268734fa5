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

The statements (claims, outcomes, chains) are the store's (adapters.delivery_store), the
HTTP attempt the sender's (adapters.webhook_client); here: the loop, and what an attempt's
outcome means for its delivery and subscription (apply_outcome).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import structlog
from opentelemetry import propagate, trace
from opentelemetry.semconv._incubating.attributes.cloudevents_attributes import CLOUDEVENTS_EVENT_ID
from prometheus_client import Counter as MetricCounter
from prometheus_client import Histogram

from events.envelope import CONTENT_TYPE, CloudEvent
from events.metrics import trace_exemplar
from events.tracecontext import context_from_traceparent
from notifications.domain.model import (
    Delivery,
    DeliveryStatus,
    HasOwner,
    Subscription,
    SubscriptionStatus,
    owner_of_subscription,
)
from notifications.domain.outcomes import Attempt, Outcome, OutcomeKind, classify, should_disable_subscription
from notifications.domain.retry_schedule import UniformSource, next_attempt_at
from notifications.domain.routing import OwnerRole, SubscriptionOwner, visible_data
from notifications.domain.signing import delivery_headers, secrets_in_force
from notifications.service.ports import (
    Claimed,
    ClaimedRow,
    ClaimRequest,
    DeliveryStore,
    Followups,
    SecretOpener,
    Success,
    WebhookSender,
)

log = structlog.get_logger("notifications.delivery")
tracer = trace.get_tracer("notifications.delivery")

ATTEMPTS = MetricCounter("webhook_attempts_total", "Webhook delivery attempts by outcome", ["outcome"])
for _kind in OutcomeKind:  # every outcome's series from the start (rates and alerts need the zero)
    ATTEMPTS.labels(_kind.value)
ATTEMPT_SECONDS = Histogram("webhook_attempt_seconds", "Duration of one webhook attempt")

USER_AGENT = "channel-platform-webhooks/1.0"

# Claims this process took but never attempted (the database went away between claiming
# and sending). The next worker started in this process hands them back at once instead
# of leaving them leased until the lease expires. An attempt cut off mid-flight keeps its
# lease: the receiver may still be handling it, so it is not sent again before then.
_unfinished: dict[str, datetime] = {}


@dataclass(frozen=True)
class DeliveryPolicy:
    """The delivery settings: each field is config.Settings' ``webhook_<field>`` (WEBHOOK_<FIELD>)."""

    retry_schedule: tuple[timedelta, ...]
    timeout: timedelta
    disable_after: timedelta
    concurrency: int = 32  # sends at once, in all
    subscription_concurrency: int = 8  # sends at once, per subscription
    lease: timedelta = timedelta(minutes=2)
    poll_interval: float = 0.25


@dataclass(frozen=True)
class Prepared:
    """Everything one attempt sends; built from the rows at claim time."""

    claim: Claimed
    url: str
    body: bytes
    headers: dict[str, str]
    traceparent: str | None


def body_for(owner_role: str, stored: bytes, subscription: HasOwner) -> bytes:
    """The stored CloudEvent, minus what the owner may not see (partners never get vendor-only fields)."""
    if owner_role in (OwnerRole.VENDOR, OwnerRole.ADMIN):
        return stored
    return visible_body(owner_of_subscription(subscription), stored)


def visible_body(owner: SubscriptionOwner, stored: bytes) -> bytes:
    """body_for, given the owner: vendors and admins get the stored bytes as they are."""
    if owner.role in (OwnerRole.VENDOR, OwnerRole.ADMIN):
        return stored
    event = CloudEvent.from_json(stored)
    data = visible_data(owner, event.data)
    if data == event.data:
        return stored
    return event.model_copy(update={"data": data}).to_json()


def prepare_claimed(row: ClaimedRow, lease_until: datetime, now: datetime, secrets: SecretOpener) -> Prepared:
    """One claimed row (delivery, subscription and event columns) as the attempt it sends."""
    claim = Claimed(row.delivery_id, row.subscription_id, row.event_id, lease_until, row.subject)
    body = visible_body(owner_of_subscription(row), row.body)
    secret = secrets.reveal(row.sealed_secret)
    previous = None if row.sealed_previous_secret is None else secrets.reveal(row.sealed_previous_secret)
    in_force = secrets_in_force(secret, previous, row.previous_secret_expires_at, now)
    # webhook-id is the event id: the same on every retry, so receivers can deduplicate.
    headers = delivery_headers(in_force, row.event_id, now, body)
    headers["content-type"] = CONTENT_TYPE
    headers["user-agent"] = USER_AGENT
    return Prepared(claim, row.url, body, headers, row.traceparent)


def apply_outcome(
    delivery: Delivery,
    sub: Subscription,
    claim: Claimed,
    outcome: Outcome,
    attempt: Attempt,
    now: datetime,
    policy: DeliveryPolicy,
    rng: UniformSource,
) -> Followups | None:
    """What one attempt's outcome does to its (locked) delivery and subscription, changed in place.

    None when the lease is no longer ours (another worker took the delivery over): nothing changes.
    A success ends the subscription's run of failures; 410 Gone fails the delivery and disables the
    subscription; anything else retries by the schedule until it is exhausted (or the subscription
    is no longer active), and then fails the delivery and lets the deal's next delivery go. A
    subscription whose deliveries all failed for ``policy.disable_after`` is disabled.
    """
    if delivery.status != DeliveryStatus.PENDING or delivery.lease_until != claim.lease_until:
        return None
    reason = f"{outcome.reason}: {attempt.detail}" if attempt.detail else outcome.reason
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
        return Followups()
    failing_since = sub.failing_since or now
    sub.failing_since = failing_since
    if outcome.kind is OutcomeKind.GONE:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        return Followups(fail_pending=_disable(sub, "the receiver answered 410 Gone", now))
    followups = Followups()
    due = next_attempt_at(delivery.attempts, now, policy.retry_schedule, rng, outcome.retry_after)
    if due is None or sub.status != SubscriptionStatus.ACTIVE:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
        # Finally failed: the deal's next delivery goes (its order is kept, not its fate).
        followups = Followups(move_chain_on=True)
    else:
        delivery.next_attempt_at = due  # the head retries; the rest of its chain keeps waiting
    if sub.status == SubscriptionStatus.ACTIVE and should_disable_subscription(
        failing_since, sub.last_success_at, now, policy.disable_after
    ):
        reason = f"every delivery failed since {failing_since.isoformat()}"
        followups = Followups(followups.move_chain_on, fail_pending=_disable(sub, reason, now))
    return followups


def _disable(sub: Subscription, reason: str, now: datetime) -> str:
    """Disable a subscription; its queued (not in-flight) deliveries are to fail with the returned reason."""
    sub.disable(reason, now)
    log.warning("subscription disabled", subscription_id=sub.id, reason=reason)
    return f"subscription disabled: {reason}"


@dataclass
class _Finished:
    """An attempt made, waiting for its outcome to be written."""

    claim: Claimed
    attempt: Attempt
    written: asyncio.Future[None]


class DeliveryWorker:
    def __init__(
        self,
        store: DeliveryStore,
        sender: WebhookSender,
        secrets: SecretOpener,
        policy: DeliveryPolicy,
        listen: Callable[[asyncio.Event], Coroutine[Any, Any, None]],
        rng: UniformSource | None = None,
    ) -> None:
        self._store = store
        self._sender = sender
        self._secrets = secrets
        self._policy = policy
        self._listen = listen  # sets the event whenever deliveries were queued (LISTEN)
        self._rng: UniformSource = rng or random.SystemRandom()
        self._wake = asyncio.Event()
        self._in_flight: dict[str, asyncio.Task[None]] = {}
        self._per_subscription: Counter[str] = Counter()
        self._finished: list[_Finished] = []
        self._finished_wake = asyncio.Event()

    async def release_unfinished(self) -> None:
        if not _unfinished:
            return
        await self._store.release(dict(_unfinished))
        log.info("released unfinished webhook claims", count=len(_unfinished))
        _unfinished.clear()

    async def run(self) -> None:
        await self.release_unfinished()
        listener = asyncio.create_task(self._listen(self._wake), name="deliveries-listen")
        recorder = asyncio.create_task(self._record_loop(), name="deliveries-record")
        try:
            while True:
                room = self._policy.concurrency - len(self._in_flight)
                claimed: list[Prepared] = []
                if room > 0:
                    claimed = await self.claim(room)
                    for prepared in claimed:
                        self._start(prepared)
                if claimed and len(claimed) == room:
                    continue  # more may be due right now
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._policy.poll_interval):
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
            await self._sender.aclose()

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
        """Lease up to ``limit`` due deliveries and build their attempts, in claim order."""
        now = datetime.now(UTC)
        lease_until = now + self._policy.lease
        busy = {s: n for s, n in self._per_subscription.items() if n > 0}
        rows = await self._store.claim(
            ClaimRequest(now, lease_until, limit, self._policy.subscription_concurrency, busy)
        )
        # The claim has no order: start each subscription's deliveries in the order claimed.
        rows = sorted(rows, key=lambda r: (r.next_attempt_at, r.seq))
        try:
            signed_at = datetime.now(UTC)
            return [prepare_claimed(r, lease_until, signed_at, self._secrets) for r in rows]
        except BaseException:
            _unfinished.update({r.delivery_id: lease_until for r in rows})
            raise

    async def _attempt(self, prepared: Prepared) -> None:
        try:
            # INTERNAL: the attempt (signing, sending, its outcome); httpx's own CLIENT span under it
            # is the HTTP call, so there is one client span per request as the conventions want.
            with tracer.start_as_current_span(
                "webhook send", context=context_from_traceparent(prepared.traceparent), kind=trace.SpanKind.INTERNAL
            ) as span:
                span.set_attribute("webhook.delivery_id", prepared.claim.delivery_id)
                span.set_attribute("webhook.subscription_id", prepared.claim.subscription_id)
                span.set_attribute(CLOUDEVENTS_EVENT_ID, prepared.claim.event_id)
                headers = dict(prepared.headers)
                propagate.inject(headers)  # the receiver sees the event's trace continue
                attempt = await self._sender.send(prepared.url, prepared.body, headers)
                if attempt.result.status_code is not None:
                    span.set_attribute("http.response.status_code", attempt.result.status_code)
                exemplar = trace_exemplar(span)
            ATTEMPT_SECONDS.observe(attempt.result.duration.total_seconds(), exemplar)
            if classify(attempt.result, self._policy.timeout).kind is OutcomeKind.SUCCEEDED:
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

    async def record_successes(self, done: list[tuple[Claimed, Attempt]]) -> None:
        """record() for successful attempts, set-based: one transaction for the whole batch.

        A delivery whose lease is no longer ours (another worker took it over) is left alone.
        """
        if not done:
            return
        ATTEMPTS.labels(OutcomeKind.SUCCEEDED.value).inc(len(done))
        await self._store.record_successes([Success(c, a.result.status_code) for c, a in done], datetime.now(UTC))

    async def record(self, claim: Claimed, attempt: Attempt) -> None:
        """Apply one attempt's outcome to the delivery and its subscription."""
        outcome = classify(attempt.result, self._policy.timeout)
        ATTEMPTS.labels(outcome.kind.value).inc()
        now = datetime.now(UTC)
        await self._store.record_outcome(
            claim,
            now,
            lambda delivery, sub: apply_outcome(delivery, sub, claim, outcome, attempt, now, self._policy, self._rng),
        )
