"""WEBHOOK_* settings as an operator writes them in the environment."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from notifications.config import Settings
from notifications.domain.retry_schedule import DEFAULT_SCHEDULE


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (
            "PT5S,PT5M,PT30M,PT2H",
            (timedelta(seconds=5), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)),
        ),
        ("PT0.2S, PT0.2S", (timedelta(milliseconds=200), timedelta(milliseconds=200))),
        ("P1D", (timedelta(days=1),)),
        ("", DEFAULT_SCHEDULE),
    ],
)
def test_retry_schedule_is_comma_separated_iso_durations(
    monkeypatch: pytest.MonkeyPatch, env: str, expected: tuple[timedelta, ...]
) -> None:
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", env)
    assert Settings().webhook_retry_schedule == expected


def test_default_schedule_is_standard_webhooks_example_over_about_three_days(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_RETRY_SCHEDULE", raising=False)
    schedule = Settings().webhook_retry_schedule
    assert schedule[0] == timedelta(seconds=5)
    assert timedelta(days=3) <= sum(schedule, timedelta()) <= timedelta(days=3, hours=6)


@pytest.mark.parametrize("env", ["PT5S,soon", "-PT5S"])
def test_an_unreadable_or_negative_schedule_is_refused_at_startup(monkeypatch: pytest.MonkeyPatch, env: str) -> None:
    monkeypatch.setenv("WEBHOOK_RETRY_SCHEDULE", env)
    with pytest.raises(ValidationError):
        Settings()


def test_private_receivers_are_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WEBHOOK_ALLOW_PRIVATE", raising=False)
    assert Settings().webhook_allow_private is False
    monkeypatch.setenv("WEBHOOK_ALLOW_PRIVATE", "1")
    assert Settings().webhook_allow_private is True


def test_timeout_defaults_to_ten_seconds_and_the_lease_must_outlast_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().webhook_timeout == timedelta(seconds=10)
    monkeypatch.setenv("WEBHOOK_TIMEOUT", "PT30S")
    monkeypatch.setenv("WEBHOOK_LEASE", "PT20S")
    with pytest.raises(ValidationError, match="WEBHOOK_LEASE"):
        Settings()
