"""Replays and redeliveries per subscription: one replay at a time, and so many per hour.

A replay queues every matching event again and a redelivery sends one again: both make
the platform send requests to a URL the caller chose, so without a limit they amplify.
Counted in the database (table replay_requests), so the limit holds across replicas; a
request over it gets 429 with Retry-After and changes nothing.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from servicekit.problems import Problem

WINDOW = timedelta(hours=1)

# Held until the replay's transaction ends: a second replay of the same subscription meanwhile is refused.
_ONE_AT_A_TIME = text("SELECT pg_try_advisory_xact_lock(hashtextextended('replay:' || :sid, 0))")
_RECENT = text(
    "SELECT requested_at FROM replay_requests"
    " WHERE subscription_id = :sid AND kind = :kind AND requested_at > :since ORDER BY requested_at"
)
_FORGET = text("DELETE FROM replay_requests WHERE subscription_id = :sid AND kind = :kind AND requested_at <= :since")
_RECORD = text("INSERT INTO replay_requests (subscription_id, kind, requested_at) VALUES (:sid, :kind, :now)")


def _too_many(detail: str, seconds: float) -> Problem:
    retry_after = str(max(1, math.ceil(seconds)))
    return Problem(429, f"{detail} Retry after {retry_after} s.", headers={"Retry-After": retry_after})


async def admit(session: AsyncSession, subscription_id: str, kind: str, per_hour: int, now: datetime) -> None:
    """Count this replay/redelivery in the caller's transaction, or raise 429 (Problem)."""
    params = {"sid": subscription_id, "kind": kind}
    if kind == "replay" and not await session.scalar(_ONE_AT_A_TIME, {"sid": subscription_id}):
        raise _too_many("A replay of this subscription is already running.", 1)
    since = now - WINDOW
    await session.execute(_FORGET, {**params, "since": since})
    recent = list((await session.execute(_RECENT, {**params, "since": since})).scalars())
    if per_hour > 0 and len(recent) >= per_hour:
        frees_at = recent[len(recent) - per_hour] + WINDOW
        wait = (frees_at - now).total_seconds()
        raise _too_many(f"At most {per_hour} {kind} requests per subscription and hour.", wait)
    await session.execute(_RECORD, {**params, "now": now})
