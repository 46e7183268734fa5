"""The scheduler: approval SLA breaches and protection expiry, safe with several replicas.

Each pass locks due deals with FOR UPDATE SKIP LOCKED (the store's `due_deals`), so a deal
is handled by exactly one replica; a handled deal no longer matches (overdue is recorded on
the deal, expiry changes its status), so the overdue event is emitted once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from dealreg.domain.deals import Deal, DealChange, expire, handle_sla_breach
from dealreg.domain.policy import DEFAULT_POLICY
from dealreg.service.changes import SCHEDULER_ACTOR, record_changes
from dealreg.service.ports import DealStore, UnitOfWork
from events.topics import TopicNames

BATCH = 200


@dataclass
class PassResult:
    overdue: int = 0
    expired: int = 0


async def _apply(store: DealStore, topics: TopicNames, deals: Sequence[Deal], now: datetime, *, overdue: bool) -> None:
    policies = await store.policies(d.vendor_id for d in deals)
    partners = await store.partner_terms((d.partner_id, d.vendor_id) for d in deals)
    for deal in deals:
        changes: list[DealChange]
        if overdue:
            changes = handle_sla_breach(deal, now=now, policy=policies.get(deal.vendor_id, DEFAULT_POLICY))
        else:
            changes = [expire(deal, now=now)]
        await store.save_deal(changes[-1].deal)
        partner = partners[(deal.partner_id, deal.vendor_id)]
        await record_changes(store, topics, partner, [(c, SCHEDULER_ACTOR) for c in changes])


Due = Literal["overdue", "lapsed"]


async def _drain(unit_of_work: UnitOfWork, topics: TopicNames, now: datetime, kind: Due) -> int:
    """Handle every deal of this kind due at `now`, a batch per transaction; how many there were."""
    done = 0
    while True:
        async with unit_of_work() as store:
            deals = await store.due_deals(kind, now, BATCH)
            await _apply(store, topics, deals, now, overdue=kind == "overdue")
        done += len(deals)
        if len(deals) < BATCH:
            return done


async def run_pass(unit_of_work: UnitOfWork, topics: TopicNames, now: datetime) -> PassResult:
    """Handle every deal due at `now`: overdue approvals first, then lapsed protection."""
    overdue = await _drain(unit_of_work, topics, now, "overdue")
    return PassResult(overdue=overdue, expired=await _drain(unit_of_work, topics, now, "lapsed"))
