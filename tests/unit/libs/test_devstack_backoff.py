"""make run's supervisor: restart delays double up to 30 s, reset after a stable run, and a service
that keeps dying at start-up is reported once."""

from __future__ import annotations

from devstack.backoff import RestartBackoff


def _crash_loop(policy: RestartBackoff, deaths: int, start: float = 0.0, uptime: float = 0.5) -> list[float]:
    """Each start lives `uptime` seconds, then is restarted after the policy's delay."""
    now, delays = start, []
    for _ in range(deaths):
        policy.started(now)
        now += uptime
        delay = policy.died(now).delay
        delays.append(delay)
        now += delay
    return delays


def test_delays_double_up_to_thirty_seconds() -> None:
    assert _crash_loop(RestartBackoff("dealreg"), 8) == [1, 2, 4, 8, 16, 30, 30, 30]


def test_a_service_that_stayed_up_a_while_restarts_at_once_again() -> None:
    policy = RestartBackoff("dealreg")
    _crash_loop(policy, 6)
    policy.started(1000.0)
    assert policy.died(1000.0 + 61).delay == 1
    policy.started(1062.0)
    assert policy.died(1063.0).delay == 2  # and doubles again from there


def test_dying_five_times_within_a_minute_at_start_up_is_reported_once() -> None:
    policy = RestartBackoff("dealreg")
    now, messages = 0.0, []
    for _ in range(9):
        policy.started(now)
        now += 0.5
        restart = policy.died(now)
        messages.append(restart.keeps_dying)
        now += restart.delay
    assert messages[:4] == [None] * 4
    assert messages[4] == "dealreg exited 5 times within 60 s at start-up"
    assert messages[5:] == [None] * 4


def test_deaths_spread_over_more_than_a_minute_are_not_a_start_up_loop() -> None:
    policy = RestartBackoff("incentives", cap=1.0)
    now = 0.0
    reports = []
    for _ in range(10):
        policy.started(now)
        now += 20  # up 20 s each time: 3 deaths at most in any minute
        reports.append(policy.died(now).keeps_dying)
        now += 1
    assert reports == [None] * 10


def test_a_stable_run_ends_the_streak_so_a_new_loop_is_reported_again() -> None:
    policy = RestartBackoff("pipeline")
    _crash_loop(policy, 5)
    policy.started(500.0)
    policy.died(500.0 + 120)
    later = []
    for t in (621.0, 623.0, 625.0, 627.0, 629.0):
        policy.started(t)
        later.append(policy.died(t + 1).keeps_dying)
    assert later == [None, None, None, None, "pipeline exited 5 times within 60 s at start-up"]
