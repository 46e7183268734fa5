"""Aggregator batch registration: each item validated, deduplicated by its own key and answered on its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import orjson
import structlog
from pydantic import ValidationError

from dealreg.adapters.mapping import policy_from_row
from dealreg.adapters.registration_store import RegistrationStore, customer_lock_ids, in_registration_transaction
from dealreg.api.schemas import DealCreate
from dealreg.domain.conflicts import ExistingRegistration
from dealreg.domain.customers import CustomerKeys
from dealreg.domain.policy import DEFAULT_POLICY
from dealreg.service.registration import (
    Decided,
    Enrolled,
    Lookups,
    Pending,
    check_enrolment,
    decide,
    pending_registration,
    register_deal,
)
from dealreg.service.views import deal_json
from events.topics import TopicNames
from servicekit.idempotency import (
    InFlight,
    Mismatch,
    Outcome,
    Replay,
    Started,
    claim_keys,
    complete_keys,
    fingerprint,
    request_transaction,
    valid_key,
)
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, validation_problem

log = structlog.get_logger("dealreg.batch")
# Items registered at once: enough to keep PostgreSQL busy, few enough to leave pool room for others.
CONCURRENCY = 8
BATCH_ROLES = frozenset({Role.AGGREGATOR, Role.PARTNER, Role.ADMIN})


def _item_scope(principal: Principal) -> str:
    # Distinct from the HTTP middleware's scope: an item key never meets a request key.
    return f"{principal.scope_key}|deals-batch-item"


def _problem_body(problem: Problem) -> dict[str, Any]:
    return problem.body()


def _validation_errors(exc: ValidationError, index: int) -> list[dict[str, Any]]:
    return [
        {"loc": ["body", "items", index, *err.get("loc", ())], "msg": str(err.get("msg", "invalid"))[:300],
         "type": err.get("type", "invalid")}
        for err in exc.errors()
    ]  # fmt: skip


async def _register_item(
    store: RegistrationStore,
    topics: TopicNames,
    principal: Principal,
    index: int,
    item: dict[str, Any],
    lookups: Lookups,
) -> tuple[int, dict[str, Any]]:
    """One item in the store's transaction; a refused item raises nothing and writes nothing."""
    try:
        body = DealCreate.model_validate(item)
    except ValidationError as exc:
        return 422, {"error": _problem_body(validation_problem(_validation_errors(exc, index)))}
    try:
        loc = ("body", "items", index)
        deal = await register_deal(store, topics, principal, body, loc=loc, lookups=lookups)
    except Problem as problem:
        return problem.status, {"error": _problem_body(problem)}
    return 201, {"deal": deal_json(deal, principal)}


async def _handle_item(
    pool: asyncpg.Pool,
    topics: TopicNames,
    ttl: timedelta,
    principal: Principal,
    index: int,
    raw: dict[str, Any],
    lookups: Lookups,
) -> dict[str, Any]:
    """One item in a transaction (a savepoint of the request's) of its own, its key claimed and its
    answer remembered in that same transaction."""
    item = dict(raw)
    key = item.pop("idempotency_key", None)
    if key is not None and (not isinstance(key, str) or not valid_key(key)):
        problem = validation_problem(
            [{"loc": ["body", "items", index, "idempotency_key"], "msg": "1 to 255 printable ASCII characters"}]
        )
        return {"index": index, "status": 422, "error": _problem_body(problem)}
    scope = _item_scope(principal)
    fp = fingerprint(orjson.dumps(item, option=orjson.OPT_SORT_KEYS))

    async def work(store: RegistrationStore) -> dict[str, Any]:
        if key is not None:
            [outcome] = await claim_keys(store.connection, scope, [(key, fp)], ttl)
            answered = _Item(index, item)
            _answer_claim(answered, outcome)
            if answered.result is not None:
                return answered.result
        status, payload = await _register_item(store, topics, principal, index, item, lookups)
        if key is not None:
            await complete_keys(store.connection, scope, [(key, fp, status, orjson.dumps(payload))])
        return {"index": index, "status": status, **payload}

    return await in_registration_transaction(pool, work, savepoint=True)


@dataclass
class _Item:
    """One batch item on its way: its result is set as soon as it is known."""

    index: int
    raw: dict[str, Any]
    key: str | None = None
    fingerprint: str = ""
    body: DealCreate | None = None
    result: dict[str, Any] | None = None
    claimed: bool = False  # its key is ours to complete

    def answer(self, status: int, payload: dict[str, Any]) -> None:
        self.result = {"index": self.index, "status": status, **payload}


def _parse(index: int, raw: dict[str, Any]) -> _Item:
    """Split off the item's idempotency key and validate the rest (no I/O)."""
    item = _Item(index, dict(raw))
    key = item.raw.pop("idempotency_key", None)
    if key is not None:
        if not isinstance(key, str) or not valid_key(key):
            problem = validation_problem(
                [{"loc": ["body", "items", index, "idempotency_key"], "msg": "1 to 255 printable ASCII characters"}]
            )
            item.answer(422, {"error": _problem_body(problem)})
            return item
        item.key = key
        item.fingerprint = fingerprint(orjson.dumps(item.raw, option=orjson.OPT_SORT_KEYS))
    try:
        item.body = DealCreate.model_validate(item.raw)
    except ValidationError as exc:
        item.answer(422, {"error": _problem_body(validation_problem(_validation_errors(exc, index)))})
    return item


def _answer_claim(item: _Item, outcome: Outcome) -> None:
    if isinstance(outcome, Started):
        item.claimed = True
    elif isinstance(outcome, Mismatch):
        problem = Problem(422, "This idempotency_key was already used with a different item.")
        item.answer(422, {"error": _problem_body(problem)})
    elif isinstance(outcome, InFlight):
        problem = Problem(409, "An item with this idempotency_key is still being processed; retry later.")
        item.answer(409, {"error": _problem_body(problem)})
    elif isinstance(outcome, Replay):
        item.answer(outcome.status_code, {**orjson.loads(outcome.body), "replayed": True})


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


async def _register_together(
    store: RegistrationStore, topics: TopicNames, principal: Principal, items: list[_Item], ttl: timedelta
) -> None:
    """Every item in ONE transaction: keys claimed, customers locked and candidates read for all
    items at once; then each item decided in order (later items see earlier ones), and one insert."""
    scope = _item_scope(principal)
    keyed = [i for i in items if i.result is None and i.key is not None]
    outcomes = await claim_keys(store.connection, scope, [(i.key or "", i.fingerprint) for i in keyed], ttl)
    for item, outcome in zip(keyed, outcomes, strict=True):
        _answer_claim(item, outcome)
    pending: list[tuple[_Item, Pending]] = []
    for item in items:
        if item.result is None and item.body is not None:
            try:
                pending.append((item, pending_registration(principal, item.body, ("body", "items", item.index))))
            except Problem as problem:
                item.answer(problem.status, {"error": _problem_body(problem)})
    vendors = [p.draft.vendor_id for _, p in pending]
    await store.lock_all([k for _, p in pending for k in customer_lock_ids(p.draft.vendor_id, p.new.customer)])
    profiles, enrolments = await store.enrolments([p.partner_id for _, p in pending], vendors)
    policies = {v: policy_from_row(row) for v, row in (await store.policies(vendors)).items()}
    index = _CandidateIndex(await store.active_candidates_of(vendors, [p.new.customer for _, p in pending]))
    decided: list[tuple[_Item, Decided]] = []
    for item, p in pending:
        vendor_id = p.draft.vendor_id
        try:
            enrolled = Enrolled(p.partner_id in profiles, enrolments.get((p.partner_id, vendor_id)))
            partner = check_enrolment(p, enrolled)
            policy = policies.get(vendor_id, DEFAULT_POLICY)
            near = index.near(vendor_id, p.new.customer)
            done = decide(p, partner, policy, near, topics, principal, datetime.now(UTC))
        except Problem as problem:
            item.answer(problem.status, {"error": _problem_body(problem)})
            continue
        index.add(done.as_existing())
        decided.append((item, done))
        item.answer(201, {"deal": deal_json(done.deal, principal)})
    await store.insert_many(
        [d.deal_values for _, d in decided],
        [h for _, d in decided for h in d.history],
        [o for _, d in decided for o in d.outbox],
    )
    remembered = [
        (i.key or "", i.fingerprint, i.result["status"], orjson.dumps(_payload(i.result)))
        for i in keyed
        if i.claimed and i.result is not None and i.result["status"] < 500
    ]
    await complete_keys(store.connection, scope, remembered)


def _payload(result: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in result.items() if k not in ("index", "status")}


async def register_batch(
    pool: asyncpg.Pool,
    topics: TopicNames,
    ttl: timedelta,
    principal: Principal,
    items: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Per-item results in request order; one bad item never blocks the others.

    All items go in one transaction (a 500-item batch in well under a second). Should that
    transaction fail (a deadlock, a constraint), nothing of it was written and the items are
    registered one by one instead, each in its own transaction.
    """
    if principal.role not in BATCH_ROLES:
        raise Problem(403, "Only aggregators, partners and admins register deals.")
    parsed = [_parse(i, item) for i, item in enumerate(items)]
    try:
        await in_registration_transaction(
            pool, lambda reg: _register_together(reg, topics, principal, parsed, ttl), savepoint=True
        )
    except Exception:
        log.warning("batch transaction failed; registering its items one by one", exc_info=True)
        return await _register_one_by_one(pool, topics, ttl, principal, items)
    return [i.result for i in parsed if i.result is not None]


async def _register_one_by_one(
    pool: asyncpg.Pool,
    topics: TopicNames,
    ttl: timedelta,
    principal: Principal,
    items: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    # A keyed batch request has one connection (its key's transaction): its items take turns on it.
    gate = asyncio.Semaphore(1 if request_transaction() is not None else CONCURRENCY)
    lookups = Lookups()

    async def guarded(index: int, item: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            try:
                return await _handle_item(pool, topics, ttl, principal, index, item, lookups)
            except Exception:
                log.exception("batch item failed", index=index)
                problem = Problem(500, "This item could not be registered; nothing was written for it. Retry it.")
                return {"index": index, "status": 500, "error": _problem_body(problem)}

    return list(await asyncio.gather(*(guarded(i, item) for i, item in enumerate(items))))
