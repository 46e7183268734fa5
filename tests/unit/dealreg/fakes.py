"""In-memory fakes of dealreg's stores (dealreg.service.ports), for use-case tests without I/O.

Each keeps plain dicts of domain objects and records what a use case wrote (history rows,
outbox events), so a test reads the effect the way the real store would leave it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, TypeVar

from dealreg.domain.conflicts import ExistingRegistration, registration_from_deal
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.deals import Deal
from dealreg.domain.enrolment import Enrolment, PartnerProfile, PartnerTerms, Terms
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service.ports import DealFilter, HistoryEntry, KeyClaim, Outgoing, RegistrationStore, StoredPolicy
from events.vocabulary import OPEN_STATUSES, DealStatus

T = TypeVar("T")


class FakeDealStore:
    """dealreg.service.ports.DealStore on dicts."""

    def __init__(self) -> None:
        self.deals: dict[str, Deal] = {}
        self.policies_by_vendor: dict[str, StoredPolicy] = {}
        self.profiles: dict[str, PartnerProfile] = {}
        self.enrolments: dict[tuple[str, str], Enrolment] = {}
        self.history_rows: list[dict[str, Any]] = []
        self.outbox: list[Outgoing] = []
        self.locked: set[str] = set()

    # --- setup helpers ---

    def add_deal(self, deal: Deal) -> Deal:
        self.deals[deal.id] = deal
        return deal

    def enrol(self, partner_id: str, vendor_id: str, terms: Terms, version: int = 1) -> None:
        at = datetime(2026, 1, 1, tzinfo=UTC)
        self.profiles.setdefault(partner_id, PartnerProfile(partner_id, partner_id.title(), at, at, 1))
        self.enrolments[(partner_id, vendor_id)] = Enrolment(vendor_id, terms, version, True, at)

    # --- DealStore ---

    async def get_deal(self, deal_id: str) -> Deal | None:
        return self.deals.get(deal_id)

    async def lock_deal(self, deal_id: str) -> Deal | None:
        self.locked.add(deal_id)
        return self.deals.get(deal_id)

    async def save_deal(self, deal: Deal) -> None:
        assert deal.id in self.locked, "a deal is saved only after it was locked"
        self.deals[deal.id] = deal

    async def list_deals(self, where: DealFilter, after: tuple[datetime, str] | None, limit: int) -> list[Deal]:
        def keep(d: Deal) -> bool:
            return all(
                (
                    where.tenant_partner_ids is None or d.partner_id in where.tenant_partner_ids,
                    where.tenant_vendor_id is None or d.vendor_id == where.tenant_vendor_id,
                    where.status is None or d.status is where.status,
                    where.stage is None or d.stage is where.stage,
                    where.partner_id is None or d.partner_id == where.partner_id,
                    where.vendor_id is None or d.vendor_id == where.vendor_id,
                    where.updated_after is None or d.updated_at > where.updated_after,
                    after is None or (d.created_at, d.id) > after,
                )
            )

        return sorted((d for d in self.deals.values() if keep(d)), key=lambda d: (d.created_at, d.id))[:limit]

    async def history(self, deal_id: str, after_id: int | None, limit: int) -> list[HistoryEntry]:
        entries = [
            HistoryEntry(i + 1, h["type"], h["at"], h["actor"], h["data"])
            for i, h in enumerate(self.history_rows)
            if h["deal_id"] == deal_id
        ]
        return [e for e in entries if after_id is None or e.id > after_id][:limit]

    async def due_deals(self, kind: Literal["overdue", "lapsed"], now: datetime, limit: int) -> list[Deal]:
        if kind == "overdue":
            due = [
                d
                for d in self.deals.values()
                if d.status is DealStatus.PENDING_APPROVAL
                and d.approval_overdue_at is None
                and d.approval_due_at <= now
            ]
        else:
            due = [
                d
                for d in self.deals.values()
                if d.status is DealStatus.APPROVED and d.protection_expires_at is not None
                and d.protection_expires_at <= now
            ]  # fmt: skip
        self.locked.update(d.id for d in due[:limit])
        return due[:limit]

    async def record_changes(self, history: Sequence[dict[str, Any]], events: Sequence[Outgoing]) -> None:
        self.history_rows.extend(history)
        self.outbox.extend(events)

    async def policy(self, vendor_id: str, *, lock: bool = False) -> StoredPolicy | None:
        return self.policies_by_vendor.get(vendor_id)

    async def policies(self, vendor_ids: Iterable[str]) -> dict[str, ApprovalPolicy]:
        return {v: self.policies_by_vendor[v].policy for v in set(vendor_ids) if v in self.policies_by_vendor}

    async def save_policy(self, vendor_id: str, policy: ApprovalPolicy, version: int, now: datetime) -> None:
        self.policies_by_vendor[vendor_id] = StoredPolicy(policy, version)

    async def partner_terms(self, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], PartnerTerms]:
        return {p: PartnerTerms(p[0], p[1], self.enrolments[p].terms) for p in set(pairs) if p in self.enrolments}

    async def partner(self, partner_id: str) -> tuple[PartnerProfile, list[Enrolment]] | None:
        if partner_id not in self.profiles:
            return None
        return self.profiles[partner_id], [e for (p, _), e in self.enrolments.items() if p == partner_id]

    async def lock_partner(
        self, partner_id: str, name: str, now: datetime
    ) -> tuple[PartnerProfile, dict[str, Enrolment]]:
        profile = self.profiles.setdefault(partner_id, PartnerProfile(partner_id, name, now, now, 0))
        return profile, {v: e for (p, v), e in self.enrolments.items() if p == partner_id}

    async def save_partner(
        self, profile: PartnerProfile, enrolments: Sequence[Enrolment], events: Sequence[Outgoing]
    ) -> None:
        self.profiles[profile.id] = profile
        self.enrolments.update(((profile.id, e.vendor_id), e) for e in enrolments)
        self.outbox.extend(events)


def fake_unit_of_work(store: FakeDealStore) -> Callable[[], Any]:
    """dealreg.service.ports.UnitOfWork: every transaction sees the one fake store."""

    @asynccontextmanager
    async def transaction() -> AsyncIterator[FakeDealStore]:
        yield store

    return transaction


class FakeRegistrationStore:
    """dealreg.service.ports.RegistrationStore on dicts; inserted deals become conflict candidates."""

    def __init__(self) -> None:
        self.partners: set[str] = set()
        self.terms: dict[tuple[str, str], PartnerTerms] = {}
        self.policy_by_vendor: dict[str, ApprovalPolicy] = {}
        self.deals: list[Deal] = []
        self.history: list[dict[str, Any]] = []
        self.outbox: list[dict[str, Any]] = []
        self.keys: dict[tuple[str, str], tuple[str, int, bytes] | None] = {}
        self.locks: list[tuple[str, CustomerKeys]] = []

    def _candidates(self, vendor_ids: Sequence[str]) -> list[ExistingRegistration]:
        return [
            registration_from_deal(d) for d in self.deals if d.vendor_id in vendor_ids and d.status in OPEN_STATUSES
        ]

    async def lock_with_lookups(
        self, vendor_id: str, keys: CustomerKeys, partner_id: str
    ) -> tuple[PartnerTerms | None, ApprovalPolicy | None] | None:
        if partner_id not in self.partners:
            return None
        self.locks.append((vendor_id, keys))
        return self.terms.get((partner_id, vendor_id)), self.policy_by_vendor.get(vendor_id)

    async def lock(self, vendor_id: str, keys: CustomerKeys) -> None:
        self.locks.append((vendor_id, keys))

    async def active_candidates(self, vendor_id: str, keys: CustomerKeys) -> list[ExistingRegistration]:
        return self._candidates([vendor_id])

    async def insert(self, deal: Deal, history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]) -> None:
        self.deals.append(deal)
        self.history.extend(history)
        self.outbox.extend(outbox)

    async def lock_customers(self, customers: Sequence[tuple[str, CustomerKeys]]) -> None:
        self.locks.extend(customers)

    async def enrolments(
        self, partner_ids: Sequence[str], vendor_ids: Sequence[str]
    ) -> tuple[set[str], dict[tuple[str, str], PartnerTerms]]:
        found = {p: t for p, t in self.terms.items() if p[0] in partner_ids and p[1] in vendor_ids}
        return {p for p in partner_ids if p in self.partners}, found

    async def policies(self, vendor_ids: Sequence[str]) -> dict[str, ApprovalPolicy]:
        return {v: p for v, p in self.policy_by_vendor.items() if v in vendor_ids}

    async def active_candidates_of(
        self, vendor_ids: Sequence[str], keys: Sequence[CustomerKeys]
    ) -> list[ExistingRegistration]:
        return self._candidates(vendor_ids)

    async def insert_many(
        self, deals: Sequence[Deal], history: Sequence[dict[str, Any]], outbox: Sequence[dict[str, Any]]
    ) -> None:
        self.deals.extend(deals)
        self.history.extend(history)
        self.outbox.extend(outbox)

    async def claim_keys(self, scope: str, keys: Sequence[tuple[str, str]], ttl: timedelta) -> list[KeyClaim]:
        claims = []
        for key, fp in keys:
            stored = self.keys.get((scope, key))
            if (scope, key) not in self.keys:
                self.keys[(scope, key)] = None
                claims.append(KeyClaim("started"))
            elif stored is None:
                claims.append(KeyClaim("in_flight"))
            elif stored[0] != fp:
                claims.append(KeyClaim("mismatch"))
            else:
                claims.append(KeyClaim("replay", stored[1], stored[2]))
        return claims

    async def complete_keys(self, scope: str, results: Sequence[tuple[str, str, int, bytes]]) -> None:
        for key, fp, status, body in results:
            self.keys[(scope, key)] = (fp, status, body)


class FakeRegistrations:
    """dealreg.service.ports.Registrations: every transaction on the one fake store; a failed one is undone."""

    def __init__(self, store: FakeRegistrationStore | None = None) -> None:
        self.store = store or FakeRegistrationStore()

    async def in_transaction(self, work: Callable[[RegistrationStore], Awaitable[T]], *, savepoint: bool = False) -> T:
        before = (list(self.store.deals), list(self.store.history), list(self.store.outbox), dict(self.store.keys))
        try:
            return await work(self.store)
        except BaseException:
            self.store.deals, self.store.history, self.store.outbox, self.store.keys = before
            raise

    def shares_one_connection(self) -> bool:
        return False
