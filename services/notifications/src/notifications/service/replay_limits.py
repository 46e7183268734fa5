"""Replays and redeliveries per subscription: one replay at a time, and so many per hour.

A replay queues every matching event again and a redelivery sends one again: both make
the platform send requests to a URL the caller chose, so without a limit they amplify.
Counted in the database (the store), so the limit holds across replicas; a request over it
is refused (TooManyRequests: 429 with Retry-After) and changes nothing.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from notifications.service.ports import SubscriptionStore
from servicekit.errors import TooManyRequests

WINDOW = timedelta(hours=1)
REPLAY = "replay"
REDELIVER = "redeliver"


def _too_many(detail: str, seconds: float) -> TooManyRequests:
    retry_after = str(max(1, math.ceil(seconds)))
    return TooManyRequests(f"{detail} Retry after {retry_after} s.", headers={"Retry-After": retry_after})


async def admit(store: SubscriptionStore, subscription_id: str, kind: str, per_hour: int, now: datetime) -> None:
    """Count this replay/redelivery in the caller's transaction, or raise TooManyRequests."""
    if kind == REPLAY and not await store.try_lock_replay(subscription_id):
        raise _too_many("A replay of this subscription is already running.", 1)
    recent = await store.recent_requests(subscription_id, kind, now - WINDOW)
    if per_hour > 0 and len(recent) >= per_hour:
        frees_at = recent[len(recent) - per_hour] + WINDOW
        wait = (frees_at - now).total_seconds()
        raise _too_many(f"At most {per_hour} {kind} requests per subscription and hour.", wait)
    await store.record_request(subscription_id, kind, now)
