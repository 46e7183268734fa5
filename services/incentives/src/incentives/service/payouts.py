"""Use cases of payouts: every unpaid net reward of a vendor up to a time, one payout per currency.

Batches of one vendor are serialised (the store's lock), and an entry can be settled by one
payout only (the store refuses a second) regardless.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from events.envelope import new_event
from events.vocabulary import IncentiveEventType
from incentives.domain.payouts import Payout, PayoutBatch, build_payout, payout_transfers
from incentives.service.ports import IncentivesStore
from servicekit.errors import Conflict, NotFound
from servicekit.money import format_money
from servicekit.principal import Principal


@dataclass(frozen=True)
class PayoutsCreated:
    """The first payout (by currency code, as stored) and every payout the request created."""

    first: Payout
    created: list[Payout]


async def create_payouts(
    store: IncentivesStore, *, vendor_id: str, up_to: datetime, currency: str | None, topic: str, now: datetime
) -> PayoutsCreated:
    """One payout per currency owed (only `currency` when given): currencies are never added.

    A vendor owing USD and EUR gets two payouts, each of one currency; 409 when nobody is owed.
    """
    await store.lock_vendor_payouts(vendor_id)
    unpaid = [line for line in await store.unpaid_lines(vendor_id, up_to) if line.amount != 0]
    currencies = sorted({line.currency for line in unpaid if currency in (None, line.currency)})
    batches = [build_payout(unpaid, vendor_id=vendor_id, currency=c, up_to=up_to) for c in currencies]
    created = [await _book(store, batch, topic, now) for batch in batches if batch.lines]
    if not created:
        raise Conflict("No unpaid rewards of this vendor up to that time.")
    first = await store.payout(created[0].id)
    assert first is not None  # booked just now, in this transaction
    return PayoutsCreated(first, created)


async def _book(store: IncentivesStore, batch: PayoutBatch, topic: str, now: datetime) -> Payout:
    payout = Payout(
        id=str(uuid.uuid4()),
        vendor_id=batch.vendor_id,
        up_to=batch.up_to,
        currency=batch.currency,
        total=batch.total,
        created_at=now,
        lines=batch.lines,
    )
    await store.add_payout(payout, batch.entry_ids)
    for transfer in payout_transfers(batch, payout.id):
        await store.post_transfer(transfer, now)
    event = new_event(
        event_type=str(IncentiveEventType.PAYOUT_CREATED),
        service="incentives",
        subject=payout.id,
        data={
            "payout_id": payout.id,
            "vendor_id": payout.vendor_id,
            "up_to": payout.up_to.isoformat(),
            "currency": payout.currency,
            "total": format_money(payout.total),
            "line_count": len(payout.lines),
        },
    )
    await store.enqueue([(topic, payout.id, event)])
    return payout


async def get_payout(store: IncentivesStore, principal: Principal, payout_id: str) -> Payout:
    """A payout of the caller's vendor; any other is a 404."""
    payout = await store.payout(payout_id)
    if payout is None or not principal.acts_for_vendor(payout.vendor_id):
        raise NotFound("payout")
    return payout
