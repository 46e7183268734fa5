"""The scheduler: approval SLA breaches and protection expiry, safe with several replicas.

Each pass locks due rows with FOR UPDATE SKIP LOCKED, so a deal is handled by exactly
one replica; a handled deal no longer matches the queries (overdue is recorded on the
deal, expiry changes its status), so the overdue event is emitted once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters import repository
from dealreg.adapters.mapping import deal_from_row, policy_from_row, write_deal
from dealreg.adapters.tables import DealRow
from dealreg.domain.deals import DealChange, expire, handle_sla_breach
from dealreg.service.changes import SCHEDULER_ACTOR, record_changes
from events.topics import TopicNames
from servicekit.app import ServiceContext

log = structlog.get_logger("dealreg.scheduler")
BATCH = 200


@dataclass
class PassResult:
    overdue: int = 0
    expired: int = 0


async def _apply(
    session: AsyncSession, topics: TopicNames, rows: Sequence[DealRow], now: datetime, *, overdue: bool
) -> None:
    policies = await repository.policy_rows(session, (r.vendor_id for r in rows))
    partners = await repository.deal_partner_terms(session, ((r.partner_id, r.vendor_id) for r in rows))
    for row in rows:
        deal = deal_from_row(row)
        changes: list[DealChange]
        if overdue:
            changes = handle_sla_breach(deal, now=now, policy=policy_from_row(policies.get(row.vendor_id)))
        else:
            changes = [expire(deal, now=now)]
        write_deal(row, changes[-1].deal)
        partner = partners[(row.partner_id, row.vendor_id)]
        await record_changes(session, topics, partner, [(c, SCHEDULER_ACTOR) for c in changes])


async def run_pass(sessions: async_sessionmaker[AsyncSession], topics: TopicNames, now: datetime) -> PassResult:
    """Handle every deal due at `now`, a batch per transaction."""
    result = PassResult()
    while True:
        async with sessions() as session, session.begin():
            rows = await repository.overdue_deals(session, now, BATCH)
            await _apply(session, topics, rows, now, overdue=True)
        result.overdue += len(rows)
        if len(rows) < BATCH:
            break
    while True:
        async with sessions() as session, session.begin():
            rows = await repository.lapsed_deals(session, now, BATCH)
            await _apply(session, topics, rows, now, overdue=False)
        result.expired += len(rows)
        if len(rows) < BATCH:
            break
    return result


async def scheduler_worker(ctx: ServiceContext) -> None:
    """Every SCHEDULER_INTERVAL, one pass (the app's supervisor restarts it after a crash)."""
    interval = getattr(ctx.settings, "scheduler_interval", timedelta(seconds=30))
    seconds = max(interval.total_seconds(), 0.05)
    while True:
        result = await run_pass(ctx.sessions, ctx.topics, datetime.now(UTC))
        if result.overdue or result.expired:
            log.info("scheduler pass", overdue=result.overdue, expired=result.expired)
        await asyncio.sleep(seconds)
