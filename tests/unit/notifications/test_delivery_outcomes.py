from datetime import UTC, datetime, timedelta

import pytest

from notifications.domain.outcomes import (
    AttemptResult,
    OutcomeKind,
    TransportError,
    classify,
    parse_retry_after,
    should_disable_subscription,
)

FAST = timedelta(milliseconds=120)
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("result", "kind", "retry_after"),
    [
        (AttemptResult(FAST, status_code=200), OutcomeKind.SUCCEEDED, None),
        (AttemptResult(FAST, status_code=201), OutcomeKind.SUCCEEDED, None),
        (AttemptResult(FAST, status_code=204), OutcomeKind.SUCCEEDED, None),
        (AttemptResult(FAST, status_code=299), OutcomeKind.SUCCEEDED, None),
        (AttemptResult(timedelta(seconds=10), status_code=200), OutcomeKind.SUCCEEDED, None),
        (AttemptResult(timedelta(seconds=10, milliseconds=1), status_code=200), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=410), OutcomeKind.GONE, None),
        (AttemptResult(FAST, status_code=302), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=400), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=401), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=404), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=500), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, status_code=429), OutcomeKind.RETRY, None),
        (
            AttemptResult(FAST, status_code=429, retry_after=timedelta(seconds=60)),
            OutcomeKind.RETRY,
            timedelta(seconds=60),
        ),
        (
            AttemptResult(FAST, status_code=503, retry_after=timedelta(minutes=10)),
            OutcomeKind.RETRY,
            timedelta(minutes=10),
        ),
        # Retry-After is only honoured where HTTP gives it meaning for us.
        (AttemptResult(FAST, status_code=500, retry_after=timedelta(hours=1)), OutcomeKind.RETRY, None),
        (AttemptResult(timedelta(seconds=10), error=TransportError.TIMEOUT), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, error=TransportError.CONNECTION), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, error=TransportError.BLOCKED_DESTINATION), OutcomeKind.RETRY, None),
        (AttemptResult(FAST, error=TransportError.TOO_MANY_REDIRECTS), OutcomeKind.RETRY, None),
    ],
)
def test_classification(result: AttemptResult, kind: OutcomeKind, retry_after: timedelta | None) -> None:
    outcome = classify(result)
    assert outcome.kind is kind
    assert outcome.retry_after == retry_after
    assert outcome.reason


def test_reason_names_the_status_or_the_error() -> None:
    assert classify(AttemptResult(FAST, status_code=500)).reason == "HTTP 500"
    assert classify(AttemptResult(FAST, error=TransportError.CONNECTION)).reason == "connection"
    assert "timeout" in classify(AttemptResult(timedelta(seconds=11), status_code=200)).reason


def test_an_attempt_has_a_status_or_an_error_not_both() -> None:
    with pytest.raises(ValueError, match="either"):
        AttemptResult(FAST, status_code=200, error=TransportError.TIMEOUT)
    with pytest.raises(ValueError, match="either"):
        AttemptResult(FAST)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("120", timedelta(seconds=120)),
        (" 5 ", timedelta(seconds=5)),
        ("0", timedelta(0)),
        ("Mon, 02 Nov 2026 09:05:00 GMT", timedelta(minutes=5)),
        ("Mon, 02 Nov 2026 08:00:00 GMT", timedelta(0)),  # already past
        ("soon", None),
        ("-5", None),
        ("", None),
    ],
)
def test_parse_retry_after(header: str | None, expected: timedelta | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_an_absurd_retry_after_does_not_overflow() -> None:
    got = parse_retry_after("9" * 30, NOW)
    assert got is not None
    assert got > timedelta(days=365)


DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("first_failure_at", "last_success_at", "now", "disable"),
    [
        (None, None, NOW, False),  # never failed
        (None, NOW - 2 * DAY, NOW, False),  # last attempt succeeded
        (NOW - DAY + timedelta(seconds=1), None, NOW, False),  # a second short of a day
        (NOW - DAY, None, NOW, True),  # exactly a day
        (NOW - 3 * DAY, None, NOW, True),  # never succeeded, failing for days
        (NOW - 2 * DAY, NOW - 3 * DAY, NOW, True),  # succeeded once, then failed for 2 days
        (NOW - 2 * DAY, NOW - DAY, NOW, False),  # a success broke the run of failures
        (NOW - 2 * DAY, NOW - 2 * DAY, NOW, False),  # success at the same instant counts
    ],
)
def test_disable_after_failing_every_delivery_for_a_day(
    first_failure_at: datetime | None, last_success_at: datetime | None, now: datetime, disable: bool
) -> None:
    assert should_disable_subscription(first_failure_at, last_success_at, now) is disable
