"""Aggregator batch registration: each item validated, deduplicated by its own key and answered on its own.

The edge parses the items (a `BatchItem` each: its key and fingerprint, and either the command or why it
is refused) and says how a refusal reads (`ItemAnswers`); this use case claims the keys, registers
and remembers each item's answer in the registration store's transaction.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import orjson
import structlog

from dealreg.domain.conflicts import ExistingRegistration
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.policy import DEFAULT_POLICY
from dealreg.service.ports import KeyClaim, Registrations, RegistrationStore
from dealreg.service.registration import (
    Decided,
    Enrolled,
    Lookups,
    Pending,
    RegisterDeal,
    check_enrolment,
    decide,
    pending_registration,
    register_deal,
)
from dealreg.service.views import deal_json
from events.topics import TopicNames
from servicekit.errors import Conflict, DomainError, Forbidden
from servicekit.principal import Principal, Role

log = structlog.get_logger("dealreg.batch")
# Items registered at once: enough to keep PostgreSQL busy, few enough to leave pool room for others.
CONCURRENCY = 8
BATCH_ROLES = frozenset({Role.AGGREGATOR, Role.PARTNER, Role.ADMIN})


class ItemAnswers(Protocol):
    """How an item's refusal reads (the edge's problem documents)."""

    def refused(self, error: DomainError) -> tuple[int, dict[str, Any]]:
        """The status and problem document of a refused item."""

    def reused_key(self) -> tuple[int, dict[str, Any]]:
        """An idempotency_key already used with a different item."""

    def failed(self) -> tuple[int, dict[str, Any]]:
        """An item that could not be registered (nothing was written for it)."""


@dataclass(frozen=True)
class BatchItem:
    """One item as the edge read it: its key (and fingerprint), and the command or why it is refused."""

    index: int
    command: RegisterDeal | None
    refusal: DomainError | None = None
    key: str | None = None
    fingerprint: str = ""


@dataclass(frozen=True)
class _Batch:
    """What every item of one batch request shares."""

    registrations: Registrations
    topics: TopicNames
    ttl: timedelta
    principal: Principal
    answers: ItemAnswers

    @property
    def scope(self) -> str:
        # Distinct from the HTTP middleware's scope: an item key never meets a request key.
        return f"{self.principal.scope_key}|deals-batch-item"


@dataclass
class _Item:
    """One batch item on its way: its result is set as soon as it is known."""

    item: BatchItem
    result: dict[str, Any] | None = None
    claimed: bool = False  # its key is ours to complete

    def answer(self, status: int, payload: dict[str, Any]) -> None:
        self.result = {"index": self.item.index, "status": status, **payload}

    def refuse(self, answers: ItemAnswers, error: DomainError) -> None:
        status, body = answers.refused(error)
        self.answer(status, {"error": body})

    def accept(self, claim: KeyClaim, answers: ItemAnswers) -> None:
        if claim.kind == "started":
            self.claimed = True
        elif claim.kind == "mismatch":
            status, body = answers.reused_key()
            self.answer(status, {"error": body})
        elif claim.kind == "in_flight":
            self.refuse(answers, Conflict("An item with this idempotency_key is still being processed; retry later."))
        else:
            self.answer(claim.status, {**orjson.loads(claim.body), "replayed": True})


def _start(item: BatchItem, answers: ItemAnswers) -> _Item:
    """An item refused by the edge is answered at once: its key (if any) is not claimed."""
    started = _Item(item)
    if item.refusal is not None:
        started.refuse(answers, item.refusal)
    return started


class _CandidateIndex:
    """Active registrations by (vendor, customer key), growing as the batch registers its items."""

    def __init__(self, registrations: list[ExistingRegistration]) -> None:
        self._by_key: dict[tuple[str, str], list[ExistingRegistration]] = {}
        for r in registrations:
            self.add(r)

    @staticmethod
    def _keys(vendor_id: str, keys: CustomerKeys) -> list[tuple[str, str]]:
        return [(vendor_id, k) for k in keys.index_keys()]

    def add(self, registration: ExistingRegistration) -> None:
        for k in self._keys(registration.vendor_id, registration.customer):
            self._by_key.setdefault(k, []).append(registration)

    def near(self, vendor_id: str, keys: CustomerKeys) -> list[ExistingRegistration]:
        return [r for k in self._keys(vendor_id, keys) for r in self._by_key.get(k, ())]


def _remembered(items: list[_Item]) -> list[tuple[str, str, int, bytes]]:
    """The answers of claimed keys to store (never a 5xx: that item may be retried)."""
    return [
        (i.item.key or "", i.item.fingerprint, i.result["status"], orjson.dumps(_payload(i.result)))
        for i in items
        if i.claimed and i.result is not None and i.result["status"] < 500
    ]


async def _register_together(store: RegistrationStore, batch: _Batch, items: list[_Item]) -> None:
    """Every item in ONE transaction: keys claimed, customers locked and candidates read for all
    items at once; then each item decided in order (later items see earlier ones), and one insert."""
    scope, principal, answers = batch.scope, batch.principal, batch.answers
    keyed = [i for i in items if i.result is None and i.item.key is not None]
    claims = await store.claim_keys(scope, [(i.item.key or "", i.item.fingerprint) for i in keyed], batch.ttl)
    for item, claim in zip(keyed, claims, strict=True):
        item.accept(claim, answers)
    pending: list[tuple[_Item, Pending]] = []
    for item in items:
        if item.result is None and item.item.command is not None:
            try:
                loc = ("body", "items", item.item.index)
                pending.append((item, pending_registration(principal, item.item.command, loc)))
            except DomainError as error:
                item.refuse(answers, error)
    vendors = [p.draft.vendor_id for _, p in pending]
    await store.lock_customers([(p.draft.vendor_id, p.new.customer) for _, p in pending])
    profiles, enrolments = await store.enrolments([p.partner_id for _, p in pending], vendors)
    policies = await store.policies(vendors)
    index = _CandidateIndex(await store.active_candidates_of(vendors, [p.new.customer for _, p in pending]))
    decided: list[tuple[_Item, Decided]] = []
    for item, p in pending:
        vendor_id = p.draft.vendor_id
        try:
            enrolled = Enrolled(p.partner_id in profiles, enrolments.get((p.partner_id, vendor_id)))
            partner = check_enrolment(p, enrolled)
            policy = policies.get(vendor_id, DEFAULT_POLICY)
            near = index.near(vendor_id, p.new.customer)
            done = decide(p, partner, policy, near, batch.topics, principal, datetime.now(UTC))
        except DomainError as error:
            item.refuse(answers, error)
            continue
        index.add(done.as_existing())
        decided.append((item, done))
        item.answer(201, {"deal": deal_json(done.deal, principal)})
    await store.insert_many(
        [d.deal for _, d in decided],
        [h for _, d in decided for h in d.history],
        [o for _, d in decided for o in d.outbox],
    )
    await store.complete_keys(scope, _remembered(keyed))


def _payload(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in ("index", "status")}


async def register_batch(
    registrations: Registrations,
    topics: TopicNames,
    ttl: timedelta,
    principal: Principal,
    items: list[BatchItem],
    answers: ItemAnswers,
) -> list[dict[str, Any]]:
    """Per-item results in request order; one bad item never blocks the others.

    All items go in one transaction (a 500-item batch in well under a second). Should that
    transaction fail (a deadlock, a constraint), nothing of it was written and the items are
    registered one by one instead, each in its own transaction.
    """
    if principal.role not in BATCH_ROLES:
        raise Forbidden("Only aggregators, partners and admins register deals.")
    batch = _Batch(registrations, topics, ttl, principal, answers)
    started = [_start(i, answers) for i in items]
    try:
        await registrations.in_transaction(lambda store: _register_together(store, batch, started), savepoint=True)
    except Exception:
        log.warning("batch transaction failed; registering its items one by one", exc_info=True)
        return await _register_one_by_one(batch, items)
    return [i.result for i in started if i.result is not None]


async def _register_item(store: RegistrationStore, batch: _Batch, item: BatchItem, lookups: Lookups) -> dict[str, Any]:
    """One item in the store's transaction, its key claimed and its answer remembered in it."""
    one = _start(item, batch.answers)
    if one.result is None and item.key is not None:
        [claim] = await store.claim_keys(batch.scope, [(item.key, item.fingerprint)], batch.ttl)
        one.accept(claim, batch.answers)
    if one.result is None and item.command is not None:
        try:
            loc = ("body", "items", item.index)
            deal = await register_deal(store, batch.topics, batch.principal, item.command, loc=loc, lookups=lookups)
        except DomainError as error:
            one.refuse(batch.answers, error)
        else:
            one.answer(201, {"deal": deal_json(deal, batch.principal)})
    await store.complete_keys(batch.scope, _remembered([one]))
    assert one.result is not None
    return one.result


async def _register_one_by_one(batch: _Batch, items: list[BatchItem]) -> list[dict[str, Any]]:
    # A keyed batch request has one connection (its key's transaction): its items take turns on it.
    gate = asyncio.Semaphore(1 if batch.registrations.shares_one_connection() else CONCURRENCY)
    lookups = Lookups()

    async def guarded(item: BatchItem) -> dict[str, Any]:
        async with gate:
            try:
                return await batch.registrations.in_transaction(
                    lambda store: _register_item(store, batch, item, lookups), savepoint=True
                )
            except Exception:
                log.exception("batch item failed", index=item.index)
                status, body = batch.answers.failed()
                return {"index": item.index, "status": status, "error": body}

    return list(await asyncio.gather(*(guarded(i) for i in items)))
