"""What the use cases need from storage: the stores' Protocols (implemented in dealreg.adapters).

Two connection styles, one Protocol each: `DealStore` works in the request's (or the
scheduler's) SQLAlchemy session; `RegistrationStore` is registration's raw asyncpg hot
path, and `Registrations` opens its transactions. Use cases see domain objects only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, Protocol, TypeVar

from dealreg.domain.conflicts import ExistingRegistration
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import Deal
from dealreg.domain.enrolment import Enrolment, PartnerProfile, PartnerTerms
from dealreg.domain.policy import ApprovalPolicy
from events.envelope import CloudEvent
from events.vocabulary import DealStage, DealStatus

T = TypeVar("T")
# (topic, key, event): one outbox row.
Outgoing = tuple[str, str | None, CloudEvent]


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of a deal, as stored."""

    id: int
    type: str
    at: datetime
    actor: str
    data: dict[str, Any]


@dataclass(frozen=True)
class StoredPolicy:
    """A vendor's policy as stored, with its version."""

    policy: ApprovalPolicy
    version: int


@dataclass(frozen=True)
class DealFilter:
    """Which deals a list shows: the caller's tenancy (`partner_ids`/`vendor_id`) narrowed by its filters."""

    tenant_partner_ids: Sequence[str] | None = None
    tenant_vendor_id: str | None = None
    status: DealStatus | None = None
    stage: DealStage | None = None
    partner_id: str | None = None
    vendor_id: str | None = None
    updated_after: datetime | None = None


class DealStore(Protocol):
    """Deals, policies, partners and their outbox events in one session's transaction."""

    async def get_deal(self, deal_id: str) -> Deal | None: ...

    async def lock_deal(self, deal_id: str) -> Deal | None:
        """The deal, locked until the transaction ends (save it with `save_deal`)."""

    async def save_deal(self, deal: Deal) -> None:
        """Write a deal loaded by `lock_deal` or `due_deals`."""

    async def list_deals(self, where: DealFilter, after: tuple[datetime, str] | None, limit: int) -> list[Deal]:
        """Oldest first by (created_at, id), strictly after `after`."""

    async def history(self, deal_id: str, after_id: int | None, limit: int) -> list[HistoryEntry]: ...

    async def due_deals(self, kind: Literal["overdue", "lapsed"], now: datetime, limit: int) -> list[Deal]:
        """Pending deals past their SLA not yet signalled ("overdue") or approved deals whose protection
        ran out ("lapsed"), locked; rows other replicas hold are skipped."""

    async def record_changes(self, history: Sequence[dict[str, Any]], events: Sequence[Outgoing]) -> None:
        """History rows and their outbox events, in order, in this transaction."""

    async def policy(self, vendor_id: str, *, lock: bool = False) -> StoredPolicy | None: ...

    async def policies(self, vendor_ids: Iterable[str]) -> dict[str, ApprovalPolicy]: ...

    async def save_policy(self, vendor_id: str, policy: ApprovalPolicy, version: int, now: datetime) -> None:
        """Create (version 1) or replace the vendor's policy."""

    async def partner_terms(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PartnerTerms]:
        """The terms of (partner, vendor) pairs: what each deal's events carry as `partner`."""

    async def partner(self, partner_id: str) -> tuple[PartnerProfile, list[Enrolment]] | None: ...

    async def lock_partner(
        self, partner_id: str, name: str, now: datetime
    ) -> tuple[PartnerProfile, dict[str, Enrolment]]:
        """The profile (created at version 0 if missing; two creators never clash) and its enrolments, locked."""

    async def save_partner(
        self, profile: PartnerProfile, enrolments: Sequence[Enrolment], events: Sequence[Outgoing]
    ) -> None:
        """Write the profile and these enrolments (new or changed), and their events, in this transaction."""


class UnitOfWork(Protocol):
    """A transaction of its own with a DealStore in it (the scheduler's), committed when the block ends."""

    def __call__(self) -> AbstractAsyncContextManager[DealStore]: ...


@dataclass(frozen=True)
class KeyClaim:
    """What claiming a batch item's idempotency key found."""

    kind: Literal["started", "replay", "in_flight", "mismatch"]
    status: int = 0
    body: bytes = b""


class RegistrationStore(Protocol):
    """Registration's statements, inside one transaction on one connection (the measured hot path)."""

    async def lock_with_lookups(
        self, vendor_id: str, keys: CustomerKeys, partner_id: str
    ) -> tuple[PartnerTerms | None, ApprovalPolicy | None] | None:
        """One round trip: the customer's locks, the partner's terms with the vendor and the vendor's policy.
        None: no such partner; terms None: not enrolled with the vendor; policy None: the vendor has none."""

    async def lock(self, vendor_id: str, keys: CustomerKeys) -> None: ...

    async def active_candidates(self, vendor_id: str, keys: CustomerKeys) -> list[ExistingRegistration]: ...

    async def insert(self, deal: Deal, history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]) -> None:
        """The new deal with its history and outbox rows, then NOTIFY the relay: one statement."""

    async def lock_customers(self, customers: Sequence[tuple[str, CustomerKeys]]) -> None:
        """Advisory locks on many (vendor, customer) pairs, in the one global order."""

    async def enrolments(
        self, partner_ids: Sequence[str], vendor_ids: Sequence[str]
    ) -> tuple[set[str], dict[tuple[str, str], PartnerTerms]]: ...

    async def policies(self, vendor_ids: Sequence[str]) -> dict[str, ApprovalPolicy]: ...

    async def active_candidates_of(
        self, vendor_ids: Sequence[str], keys: Sequence[CustomerKeys]
    ) -> list[ExistingRegistration]: ...

    async def insert_many(
        self, deals: Sequence[Deal], history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]
    ) -> None: ...

    async def claim_keys(self, scope: str, keys: Sequence[tuple[str, str]], ttl: timedelta) -> list[KeyClaim]:
        """Claim batch items' (key, fingerprint) pairs in this transaction."""

    async def complete_keys(self, scope: str, results: Sequence[tuple[str, str, int, bytes]]) -> None:
        """Remember the answers (key, fingerprint, status, body) of claimed keys."""


class Registrations(Protocol):
    """Opens registration transactions (the request's own if it holds an idempotency key's)."""

    def in_transaction(
        self, work: Callable[[RegistrationStore], Awaitable[T]], *, savepoint: bool = False
    ) -> Awaitable[T]: ...

    def shares_one_connection(self) -> bool:
        """True when every transaction runs on the request's one connection (a keyed request)."""


__all__ = [
    "DealFilter",
    "DealStore",
    "HistoryEntry",
    "KeyClaim",
    "Outgoing",
    "RegistrationStore",
    "Registrations",
    "StoredPolicy",
    "UnitOfWork",
]
