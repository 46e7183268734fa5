"""What the use cases need of the world: the stores (adapters.store implements them) and the sender.

Each store works in one connection style: the API's and the consumer's on the request's or
batch's session (so an Idempotency-Key's claim and the processed-events mark commit with
the effect), the delivery worker's on its own short transactions.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, NamedTuple, Protocol, TypeVar

from events.envelope import CloudEvent
from notifications.domain.model import Delivery, Subscription
from notifications.domain.outcomes import Attempt
from notifications.domain.routing import SubscriptionOwner

T = TypeVar("T")


class Incoming(Protocol):
    """A consumed event and the traceparent of its `process` span (events.batching.BatchItem fits)."""

    @property
    def event(self) -> CloudEvent: ...

    @property
    def traceparent(self) -> str | None: ...


class ReceivedEvent(NamedTuple):
    """An event as notifications keeps it: deliveries send these bytes; replay reads them back."""

    id: str
    type: str
    subject: str | None
    time: datetime
    vendor_id: str | None
    partner_id: str | None
    body: bytes
    traceparent: str | None


@dataclass(frozen=True)
class ReceivedEvents:
    """A batch of ReceivedEvent, column by column, in arrival order: what the one INSERT takes
    (built in one pass per column, without an object per event: this is the intake's hot path)."""

    ids: list[str]
    types: list[str]
    subjects: list[str | None]
    times: list[datetime]
    vendor_ids: list[str | None]
    partner_ids: list[str | None]
    bodies: list[bytes]
    traceparents: list[str | None]

    def rows(self) -> Iterator[ReceivedEvent]:
        columns = (self.ids, self.types, self.subjects, self.times)
        rest = (self.vendor_ids, self.partner_ids, self.bodies, self.traceparents)
        return itertools.starmap(ReceivedEvent, zip(*columns, *rest, strict=True))


@dataclass(frozen=True)
class Target:
    """An active subscription as routing sees it."""

    id: str
    owner: SubscriptionOwner
    event_types: Collection[str]


@dataclass(frozen=True)
class NewDelivery:
    """One event to queue for one subscription."""

    subscription_id: str
    event_id: str
    event_type: str
    subject: str | None


@dataclass(frozen=True)
class SubjectRange:
    """A replay's events of one subject (deal): how many, and the last one's arrival number."""

    subject: str | None
    count: int
    last_seq: int


@dataclass(frozen=True)
class DeliveryLogQuery:
    """Which deliveries a log page shows; None: any."""

    owner_key: str | None  # the subscriptions' owner (None: everyone's)
    subscription_id: str | None
    status: str | None
    event_id: str | None
    before_seq: int | None  # the cursor: older than this
    limit: int


@dataclass(frozen=True)
class ReplayPlan:
    subscription: Subscription
    since: datetime
    subjects: Sequence[SubjectRange]  # what replay_subjects found: only these events are queued
    now: datetime
    page: int  # events per statement
    ids_shown: int  # how many of the new deliveries' ids to return


@dataclass(frozen=True)
class Replayed:
    queued: int
    delivery_ids: Sequence[str]  # the first ones, in order


class IntakeStore(Protocol):
    async def store_events(self, events: ReceivedEvents, now: datetime) -> tuple[set[str], list[Target]]:
        """Keep the events (in the order given); the ids that were new, and the active
        subscriptions to any of the new events' types."""
        ...

    async def queue_deliveries(self, deliveries: Sequence[NewDelivery], now: datetime) -> list[str]:
        """Queue deliveries in the order given (each deal's order) and wake the delivery worker; their ids."""
        ...


class SubscriptionStore(IntakeStore, Protocol):
    """The API's store: subscriptions, the delivery log, replays and their limits."""

    def transaction(self) -> AbstractAsyncContextManager[object]: ...

    async def get_subscription(self, subscription_id: str, *, lock: bool = False) -> Subscription | None:
        """lock: FOR NO KEY UPDATE (deliveries being queued need not wait for it)."""
        ...

    async def add_subscription(self, subscription: Subscription) -> None: ...

    async def save_subscription(self, subscription: Subscription) -> None: ...

    async def list_subscriptions(
        self, *, owner_key: str | None, status: str | None, after: tuple[datetime, str] | None, limit: int
    ) -> list[Subscription]:
        """Not deleted, in (created_at, id) order; owner_key None: everyone's."""
        ...

    async def fail_pending(self, subscription_id: str, reason: str, now: datetime) -> None:
        """Its queued (not in-flight) deliveries fail with the reason."""
        ...

    async def get_delivery(self, delivery_id: str) -> Delivery | None: ...

    async def list_deliveries(self, query: DeliveryLogQuery) -> list[Delivery]:
        """Newest first (seq descending)."""
        ...

    async def subject_of_event(self, event_id: str, fallback: str | None) -> str | None:
        """The stored event's subject; ``fallback`` if the event is not kept."""
        ...

    async def try_lock_replay(self, subscription_id: str) -> bool:
        """Until the transaction ends; False if another replay of it holds the lock."""
        ...

    async def recent_requests(self, subscription_id: str, kind: str, since: datetime) -> list[datetime]:
        """Forget the requests of this kind up to ``since``; the later ones, oldest first."""
        ...

    async def record_request(self, subscription_id: str, kind: str, now: datetime) -> None: ...

    async def replay_subjects(self, subscription: Subscription, since: datetime) -> list[SubjectRange]:
        """The events since ``since`` the subscription receives (types and owner's tenancy), by subject."""
        ...

    async def queue_replay(self, plan: ReplayPlan) -> Replayed:
        """Queue the plan's events (up to the last of its subjects) in arrival order, a page per statement."""
        ...


@dataclass(frozen=True)
class ClaimedRow:
    """A leased delivery with what its attempt needs of its subscription and event."""

    delivery_id: str
    subscription_id: str
    event_id: str
    subject: str | None
    next_attempt_at: datetime
    seq: int
    url: str
    sealed_secret: str
    sealed_previous_secret: str | None
    previous_secret_expires_at: datetime | None
    owner_role: str
    owner_vendor_id: str | None
    owner_partner_id: str | None
    owner_partner_ids: Sequence[str]
    body: bytes
    traceparent: str | None


@dataclass(frozen=True)
class ClaimRequest:
    """Lease up to ``limit`` due deliveries until ``lease_until``, at most ``per_subscription`` in flight
    per subscription counting those this worker has ``busy``."""

    now: datetime
    lease_until: datetime
    limit: int
    per_subscription: int
    busy: Mapping[str, int]


@dataclass(frozen=True)
class Claimed:
    delivery_id: str
    subscription_id: str
    event_id: str
    lease_until: datetime
    subject: str | None = None  # the chain it heads (None: no chain)


@dataclass(frozen=True)
class Success:
    claim: Claimed
    status_code: int | None


@dataclass(frozen=True)
class Followups:
    """What an attempt's outcome asks of the store beyond the changed delivery and subscription."""

    move_chain_on: bool = False  # the delivery left pending: its chain's next one becomes due
    fail_pending: str | None = None  # the subscription's queued deliveries fail with this reason


# Given the locked delivery and subscription (changed in place), the follow-ups; None: leave both alone.
Decide = Callable[[Delivery, Subscription], Followups | None]


class DeliveryStore(Protocol):
    """The delivery worker's store: leases, outcomes, chains (one short transaction per call)."""

    async def release(self, leases: Mapping[str, datetime]) -> None:
        """Hand back claims never attempted (delivery id -> the lease they were claimed with)."""
        ...

    async def claim(self, request: ClaimRequest) -> list[ClaimedRow]:
        """Lease due chain heads of active subscriptions as the request says; in no particular order."""
        ...

    async def record_successes(self, done: Sequence[Success], now: datetime) -> None:
        """The deliveries whose lease is still ours succeed; each chain's next one becomes due."""
        ...

    async def record_outcome(self, claim: Claimed, now: datetime, decide: Decide) -> None:
        """Lock the claim's subscription, chain and delivery, let ``decide`` change them, write it."""
        ...


class WebhookSender(Protocol):
    """One webhook attempt over HTTP (adapters.webhook_client: SSRF-vetted, pinned, time-limited)."""

    async def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> Attempt: ...

    async def aclose(self) -> None: ...


class SecretOpener(Protocol):
    """Opens a stored (encrypted) webhook secret (adapters.secret_box.SecretBox)."""

    def reveal(self, sealed: str) -> str: ...


class UrlVetter(Protocol):
    """Resolves a receiver URL and checks it against the SSRF guard; raises BlockedDestination or OSError."""

    async def __call__(self, url: str, allow_private: bool) -> object: ...


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, and the cursor of the next one (None: the last page)."""

    items: list[T]
    next_cursor: str | None
