"""When a failed webhook delivery is attempted again.

A schedule is the list of waits *between* attempts, as WEBHOOK_RETRY_SCHEDULE
spells it (``PT5S,PT5M,...``): the first attempt is always made at once, and
after the n-th failed attempt the delivery waits ``schedule[n - 1]``. A schedule of
k waits therefore allows k + 1 attempts; when they are used up the delivery is
failed.

Jitter: each wait is multiplied by a factor drawn uniformly from
[1 - JITTER_FRACTION, 1 + JITTER_FRACTION] (+-10 %), so receivers that failed
together do not all get hit again in the same second. A wait is never negative
and a zero wait stays zero.

Retry-After: on 429/503 the receiver may ask for a pause. The next attempt is
then no sooner than that (capped at MAX_RETRY_AFTER, so one receiver cannot park
a delivery for weeks), and never sooner than the jittered schedule says.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Protocol

# Standard Webhooks' example: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
# 14 h, 20 h, 24 h. The "at once" is the first attempt, so the waits are the rest
# (10 attempts over about 3.2 days).
DEFAULT_SCHEDULE: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)

JITTER_FRACTION = 0.10
MAX_RETRY_AFTER = timedelta(hours=24)


class UniformSource(Protocol):
    """What we need of a random generator (``random.Random`` fits)."""

    def uniform(self, a: float, b: float) -> float: ...


def max_attempts(schedule: Sequence[timedelta]) -> int:
    """How many attempts a delivery gets: the first one plus one per wait."""
    return len(schedule) + 1


def jittered(wait: timedelta, rng: UniformSource) -> timedelta:
    """``wait`` scaled by a random factor in [0.9, 1.1]; never negative."""
    factor = 1.0 + rng.uniform(-JITTER_FRACTION, JITTER_FRACTION)
    return max(timedelta(0), wait * factor)


def next_attempt_at(
    attempt_number: int,
    last_attempt_at: datetime,
    schedule: Sequence[timedelta],
    rng: UniformSource,
    retry_after: timedelta | None = None,
) -> datetime | None:
    """When to try again after failed attempt number ``attempt_number`` (1-based).

    Returns None when the schedule is exhausted: the delivery has failed.
    """
    if attempt_number < 1:
        raise ValueError("attempt_number starts at 1 (the first attempt)")
    if any(wait < timedelta(0) for wait in schedule):
        raise ValueError("a retry schedule cannot hold negative waits")
    if attempt_number > len(schedule):
        return None
    wait = jittered(schedule[attempt_number - 1], rng)
    if retry_after is not None and retry_after > timedelta(0):
        wait = max(wait, min(retry_after, MAX_RETRY_AFTER))
    return last_attempt_at + wait
