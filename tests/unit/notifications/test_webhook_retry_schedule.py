import random
from datetime import UTC, datetime, timedelta

import pytest

from notifications.domain.retry_schedule import (
    DEFAULT_SCHEDULE,
    MAX_RETRY_AFTER,
    max_attempts,
    next_attempt_at,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


class FixedDraw:
    """A random source that always returns one end of the range (or the middle)."""

    def __init__(self, where: str) -> None:
        self.where = where

    def uniform(self, a: float, b: float) -> float:
        return {"low": a, "high": b, "mid": (a + b) / 2}[self.where]


NO_JITTER = FixedDraw("mid")


def test_default_schedule_follows_standard_webhooks_and_spans_about_three_days() -> None:
    assert list(DEFAULT_SCHEDULE) == [
        timedelta(seconds=5),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=5),
        timedelta(hours=10),
        timedelta(hours=14),
        timedelta(hours=20),
        timedelta(hours=24),
    ]
    # At once + 9 retries, as in the Standard Webhooks example.
    assert max_attempts(DEFAULT_SCHEDULE) == 10
    assert timedelta(days=3) < sum(DEFAULT_SCHEDULE, timedelta()) < timedelta(days=3, hours=6)


@pytest.mark.parametrize(
    ("attempt_number", "expected_wait"),
    [(1, timedelta(seconds=5)), (2, timedelta(minutes=5)), (5, timedelta(hours=5)), (9, timedelta(hours=24))],
)
def test_each_failed_attempt_waits_its_step_of_the_schedule(attempt_number: int, expected_wait: timedelta) -> None:
    assert next_attempt_at(attempt_number, T0, DEFAULT_SCHEDULE, NO_JITTER) == T0 + expected_wait


def test_after_the_last_step_the_delivery_has_failed() -> None:
    assert next_attempt_at(10, T0, DEFAULT_SCHEDULE, NO_JITTER) is None
    assert next_attempt_at(11, T0, DEFAULT_SCHEDULE, NO_JITTER) is None


def test_a_short_schedule_from_the_environment_is_used_as_given() -> None:
    fast = [timedelta(milliseconds=100), timedelta(milliseconds=200)]
    assert next_attempt_at(1, T0, fast, NO_JITTER) == T0 + timedelta(milliseconds=100)
    assert next_attempt_at(2, T0, fast, NO_JITTER) == T0 + timedelta(milliseconds=200)
    assert next_attempt_at(3, T0, fast, NO_JITTER) is None


def test_an_empty_schedule_means_a_single_attempt() -> None:
    assert next_attempt_at(1, T0, [], NO_JITTER) is None


def test_attempt_numbers_start_at_one() -> None:
    with pytest.raises(ValueError, match="starts at 1"):
        next_attempt_at(0, T0, DEFAULT_SCHEDULE, NO_JITTER)


def test_negative_waits_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        next_attempt_at(1, T0, [timedelta(seconds=-1)], NO_JITTER)


@pytest.mark.parametrize("attempt_number", range(1, 10))
def test_jitter_stays_within_ten_percent_over_many_seeded_draws(attempt_number: int) -> None:
    step = DEFAULT_SCHEDULE[attempt_number - 1]
    rng = random.Random(attempt_number)
    waits = [next_attempt_at(attempt_number, T0, DEFAULT_SCHEDULE, rng) - T0 for _ in range(2000)]
    assert all(step * 0.9 <= w <= step * 1.1 for w in waits)
    # The jitter really spreads the retries: both halves of the band are used.
    assert min(waits) < step * 0.95
    assert max(waits) > step * 1.05


def test_jitter_extremes_are_exactly_plus_minus_ten_percent() -> None:
    assert next_attempt_at(2, T0, DEFAULT_SCHEDULE, FixedDraw("low")) == T0 + timedelta(minutes=4, seconds=30)
    assert next_attempt_at(2, T0, DEFAULT_SCHEDULE, FixedDraw("high")) == T0 + timedelta(minutes=5, seconds=30)


def test_a_zero_wait_stays_zero_never_negative() -> None:
    schedule = [timedelta(0)]
    assert next_attempt_at(1, T0, schedule, FixedDraw("low")) == T0
    assert next_attempt_at(1, T0, schedule, FixedDraw("high")) == T0


def test_retry_after_longer_than_the_step_is_honoured() -> None:
    got = next_attempt_at(1, T0, DEFAULT_SCHEDULE, FixedDraw("high"), retry_after=timedelta(minutes=2))
    assert got == T0 + timedelta(minutes=2)


def test_retry_after_shorter_than_the_step_does_not_shorten_it() -> None:
    got = next_attempt_at(3, T0, DEFAULT_SCHEDULE, NO_JITTER, retry_after=timedelta(seconds=1))
    assert got == T0 + timedelta(minutes=30)


def test_retry_after_is_capped() -> None:
    got = next_attempt_at(1, T0, DEFAULT_SCHEDULE, NO_JITTER, retry_after=timedelta(days=30))
    assert got == T0 + MAX_RETRY_AFTER
    assert timedelta(hours=24) == MAX_RETRY_AFTER


def test_retry_after_does_not_extend_an_exhausted_schedule() -> None:
    assert next_attempt_at(10, T0, DEFAULT_SCHEDULE, NO_JITTER, retry_after=timedelta(seconds=30)) is None
