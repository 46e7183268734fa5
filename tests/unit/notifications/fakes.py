"""In-memory fakes of notifications' ports (cosmicpython's FakeRepository): no database, no HTTP."""

from __future__ import annotations

import contextlib
import copy
import itertools
import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime

from notifications.domain.model import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from notifications.domain.outcomes import Attempt
from notifications.domain.routing import EventTenancy, may_see
from notifications.domain.ssrf import BlockedDestination
from notifications.service import ports
from notifications.service.ports import NewDelivery, ReceivedEvent, Replayed


@dataclass
class _Kept:
    event: ReceivedEvent
    seq: int


@dataclass
class FakeStore:
    """SubscriptionStore and IntakeStore over dicts; what it holds is a copy of what was saved."""

    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    events: dict[str, _Kept] = field(default_factory=dict)
    requests: list[tuple[str, str, datetime]] = field(default_factory=list)
    replays_running: set[str] = field(default_factory=set)
    transactions: int = 0
    wakeups: int = 0
    _seq: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def transaction(self) -> AbstractAsyncContextManager[object]:
        @contextlib.asynccontextmanager
        async def begin() -> AsyncIterator[object]:
            # All or nothing, like the database: a refusal leaves the store as it was.
            before = copy.deepcopy((self.subscriptions, self.deliveries, self.events, self.requests))
            try:
                yield self
            except BaseException:
                self.subscriptions, self.deliveries, self.events, self.requests = before
                raise
            self.transactions += 1

        return begin()

    # -- the intake --------------------------------------------------------------------------

    async def store_events(self, events: ports.ReceivedEvents, now: datetime) -> tuple[set[str], list[ports.Target]]:
        new: set[str] = set()
        for event in events.rows():
            if event.id not in self.events:
                self.events[event.id] = _Kept(event, next(self._seq))
                new.add(event.id)
        types = {self.events[i].event.type for i in new}
        targets = [
            ports.Target(s.id, s.owner, frozenset(s.event_types))
            for s in self.subscriptions.values()
            if s.status == SubscriptionStatus.ACTIVE and types & set(s.event_types)
        ]
        return new, targets

    def _pending(self, subscription_id: str, subject: str | None) -> bool:
        return any(
            d.subscription_id == subscription_id and d.subject == subject and d.status == DeliveryStatus.PENDING
            for d in self.deliveries.values()
        )

    async def queue_deliveries(self, deliveries: Sequence[NewDelivery], now: datetime) -> list[str]:
        ids = []
        for new in deliveries:
            due = new.subject is None or not self._pending(new.subscription_id, new.subject)
            delivery = Delivery(
                id=str(uuid.uuid4()),
                subscription_id=new.subscription_id,
                event_id=new.event_id,
                event_type=new.event_type,
                subject=new.subject,
                status=DeliveryStatus.PENDING,
                attempts=0,
                created_at=now,
                updated_at=now,
                seq=next(self._seq),
                next_attempt_at=now if due else None,
            )
            self.deliveries[delivery.id] = delivery
            ids.append(delivery.id)
        if ids:
            self.wakeups += 1
        return ids

    # -- subscriptions -----------------------------------------------------------------------

    async def get_subscription(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        sub = self.subscriptions.get(subscription_id)
        return copy.deepcopy(sub)

    async def add_subscription(self, subscription: Subscription) -> None:
        self.subscriptions[subscription.id] = copy.deepcopy(subscription)

    async def save_subscription(self, subscription: Subscription) -> None:
        assert subscription.id in self.subscriptions
        self.subscriptions[subscription.id] = copy.deepcopy(subscription)

    async def list_subscriptions(
        self, *, owner_key: str | None, status: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[Subscription]:
        rows = sorted(
            (
                s
                for s in self.subscriptions.values()
                if s.status != SubscriptionStatus.DELETED
                and (owner_key is None or s.owner_key == owner_key)
                and (status is None or s.status == status)
                and (after is None or (s.created_at, s.id) > after)
            ),
            key=lambda s: (s.created_at, s.id),
        )
        return copy.deepcopy(rows[:limit])

    async def fail_pending(self, subscription_id: str, reason: str, now: datetime) -> None:
        for d in self.deliveries.values():
            if (
                d.subscription_id == subscription_id
                and d.status == DeliveryStatus.PENDING
                and (d.lease_until is None or d.lease_until < now)
            ):
                d.status, d.next_attempt_at, d.last_error, d.updated_at = DeliveryStatus.FAILED, None, reason, now

    # -- the delivery log --------------------------------------------------------------------

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        return copy.deepcopy(self.deliveries.get(delivery_id))

    async def list_deliveries(self, query: ports.DeliveryLogQuery) -> list[Delivery]:
        def shown(d: Delivery) -> bool:
            owner = self.subscriptions[d.subscription_id].owner_key
            return (
                query.owner_key in (None, owner)
                and query.subscription_id in (None, d.subscription_id)
                and query.status in (None, d.status)
                and query.event_id in (None, d.event_id)
                and (query.before_seq is None or (d.seq or 0) < query.before_seq)
            )

        newest_first = sorted(filter(shown, self.deliveries.values()), key=lambda d: -(d.seq or 0))
        return copy.deepcopy(newest_first[: query.limit])

    async def subject_of_event(self, event_id: str, fallback: str | None) -> str | None:
        kept = self.events.get(event_id)
        return kept.event.subject if kept is not None else fallback

    # -- replays and their limits ------------------------------------------------------------

    async def try_lock_replay(self, subscription_id: str) -> bool:
        return subscription_id not in self.replays_running

    async def recent_requests(self, subscription_id: str, kind: str, since: datetime) -> list[datetime]:
        self.requests = [r for r in self.requests if not (r[0] == subscription_id and r[1] == kind and r[2] <= since)]
        return sorted(r[2] for r in self.requests if r[0] == subscription_id and r[1] == kind)

    async def record_request(self, subscription_id: str, kind: str, now: datetime) -> None:
        self.requests.append((subscription_id, kind, now))

    def _range(self, subscription: Subscription, since: datetime) -> list[_Kept]:
        owner = subscription.owner
        return sorted(
            (
                k
                for k in self.events.values()
                if k.event.time >= since
                and k.event.type in subscription.event_types
                and may_see(owner, EventTenancy(k.event.vendor_id, k.event.partner_id))
            ),
            key=lambda k: k.seq,
        )

    async def replay_subjects(self, subscription: Subscription, since: datetime) -> list[ports.SubjectRange]:
        ranges: dict[str | None, ports.SubjectRange] = {}
        for k in self._range(subscription, since):
            old = ranges.get(k.event.subject)
            ranges[k.event.subject] = ports.SubjectRange(k.event.subject, (old.count if old else 0) + 1, k.seq)
        return list(ranges.values())

    async def queue_replay(self, plan: ports.ReplayPlan) -> Replayed:
        upto = max(s.last_seq for s in plan.subjects)
        sub = plan.subscription
        kept = [k for k in self._range(sub, plan.since) if k.seq <= upto]
        new = [NewDelivery(sub.id, k.event.id, k.event.type, k.event.subject) for k in kept]
        ids = await self.queue_deliveries(new, plan.now)
        return Replayed(len(ids), ids[: plan.ids_shown])


@dataclass
class FakeVetter:
    """The SSRF guard's answers by host: blocked ones raise BlockedDestination, unknown ones do not resolve."""

    blocked: Mapping[str, str] = field(default_factory=dict)
    unknown: frozenset[str] = frozenset()

    async def __call__(self, url: str, allow_private: bool) -> object:
        for host, reason in self.blocked.items():
            if host in url and not allow_private:
                raise BlockedDestination(reason)
        for host in self.unknown:
            if host in url:
                raise OSError("no such host")
        return url


@dataclass
class FakeDeliveryStore:
    """DeliveryStore: hands out ``claimable`` rows once, and applies outcomes to ``deliveries``/``subscriptions``."""

    claimable: list[ports.ClaimedRow] = field(default_factory=list)
    deliveries: dict[str, Delivery] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    successes: list[ports.Success] = field(default_factory=list)
    followups: list[ports.Followups] = field(default_factory=list)
    released: dict[str, datetime] = field(default_factory=dict)

    async def release(self, leases: Mapping[str, datetime]) -> None:
        self.released.update(leases)

    async def claim(self, request: ports.ClaimRequest) -> list[ports.ClaimedRow]:
        taken, self.claimable = self.claimable[: request.limit], self.claimable[request.limit :]
        for row in taken:
            self.deliveries[row.delivery_id].lease_until = request.lease_until
        return taken

    async def record_successes(self, done: Sequence[ports.Success], now: datetime) -> None:
        self.successes.extend(done)

    async def record_outcome(self, claim: ports.Claimed, now: datetime, decide: ports.Decide) -> None:
        followups = decide(self.deliveries[claim.delivery_id], self.subscriptions[claim.subscription_id])
        if followups is not None:
            self.followups.append(followups)


@dataclass
class FakeSender:
    """WebhookSender that answers from a script and remembers what it was sent."""

    answers: list[Attempt] = field(default_factory=list)
    sent: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    closed: bool = False

    async def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> Attempt:
        self.sent.append((url, body, dict(headers)))
        return self.answers.pop(0)

    async def aclose(self) -> None:
        self.closed = True


class PlainBox:
    """SecretOpener for secrets "stored" as ``sealed:<secret>``."""

    def reveal(self, sealed: str) -> str:
        assert sealed.startswith("sealed:")
        return sealed.removeprefix("sealed:")
