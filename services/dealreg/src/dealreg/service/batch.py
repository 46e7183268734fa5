"""Aggregator batch registration: each item validated, deduplicated by its own key, and committed alone."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.api.schemas import DealCreate
from dealreg.service.registration import Lookups, register_deal
from dealreg.service.views import deal_json
from events.topics import TopicNames
from servicekit.idempotency import IdempotencyStore, InFlight, Mismatch, Replay, fingerprint, valid_key
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


async def _register_one(
    sessions: async_sessionmaker[AsyncSession],
    topics: TopicNames,
    principal: Principal,
    index: int,
    item: dict[str, Any],
    lookups: Lookups,
) -> tuple[int, dict[str, Any]]:
    try:
        body = DealCreate.model_validate(item)
    except ValidationError as exc:
        return 422, {"error": _problem_body(validation_problem(_validation_errors(exc, index)))}
    try:
        async with sessions() as session, session.begin():
            deal = await register_deal(session, topics, principal, body, loc=("body", "items", index), lookups=lookups)
    except Problem as problem:
        return problem.status, {"error": _problem_body(problem)}
    return 201, {"deal": deal_json(deal, principal)}


async def _handle_item(
    sessions: async_sessionmaker[AsyncSession],
    topics: TopicNames,
    store: IdempotencyStore,
    principal: Principal,
    index: int,
    raw: dict[str, Any],
    lookups: Lookups,
) -> dict[str, Any]:
    item = dict(raw)
    key = item.pop("idempotency_key", None)
    if key is None:
        status, payload = await _register_one(sessions, topics, principal, index, item, lookups)
        return {"index": index, "status": status, **payload}
    if not isinstance(key, str) or not valid_key(key):
        problem = validation_problem(
            [{"loc": ["body", "items", index, "idempotency_key"], "msg": "1 to 255 printable ASCII characters"}]
        )
        return {"index": index, "status": 422, "error": _problem_body(problem)}
    scope = _item_scope(principal)
    outcome = await store.begin(scope, key, fingerprint(orjson.dumps(item, option=orjson.OPT_SORT_KEYS)))
    if isinstance(outcome, Mismatch):
        problem = Problem(422, "This idempotency_key was already used with a different item.")
        return {"index": index, "status": 422, "error": _problem_body(problem)}
    if isinstance(outcome, InFlight):
        problem = Problem(409, "An item with this idempotency_key is still being processed; retry later.")
        return {"index": index, "status": 409, "error": _problem_body(problem)}
    if isinstance(outcome, Replay):
        return {"index": index, "status": outcome.status_code, **orjson.loads(outcome.body), "replayed": True}
    completed = False
    try:
        status, payload = await _register_one(sessions, topics, principal, index, item, lookups)
        await store.complete(scope, key, status, [], orjson.dumps(payload))
        completed = True
        return {"index": index, "status": status, **payload}
    finally:
        if not completed:
            await store.release(scope, key)


async def register_batch(
    sessions: async_sessionmaker[AsyncSession],
    topics: TopicNames,
    store: IdempotencyStore,
    principal: Principal,
    items: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Per-item results in request order; one bad (or failing) item never blocks the others."""
    if principal.role not in BATCH_ROLES:
        raise Problem(403, "Only aggregators, partners and admins register deals.")
    gate = asyncio.Semaphore(CONCURRENCY)
    lookups = Lookups()

    async def guarded(index: int, item: dict[str, Any]) -> dict[str, Any]:
        async with gate:
            try:
                return await _handle_item(sessions, topics, store, principal, index, item, lookups)
            except Exception:
                log.exception("batch item failed", index=index)
                problem = Problem(500, "This item could not be registered; nothing was written for it. Retry it.")
                return {"index": index, "status": 500, "error": _problem_body(problem)}

    return list(await asyncio.gather(*(guarded(i, item) for i, item in enumerate(items))))
