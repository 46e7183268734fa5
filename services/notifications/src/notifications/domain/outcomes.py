"""What one delivery attempt's result means for the delivery and its subscription."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import StrEnum

DELIVERY_TIMEOUT = timedelta(seconds=10)
# A subscription whose deliveries have all failed for this long is disabled.
DISABLE_AFTER = timedelta(days=1)
# Only these statuses carry a Retry-After we honour (RFC 9110 gives it meaning there).
RETRY_AFTER_STATUSES = frozenset({429, 503})
_LONGEST_RETRY_AFTER_SECONDS = 10**9


class TransportError(StrEnum):
    """Why no HTTP status came back."""

    TIMEOUT = "timeout"
    CONNECTION = "connection"  # refused, reset, DNS failure, TLS failure
    BLOCKED_DESTINATION = "blocked_destination"  # SSRF guard refused the address at send time
    TOO_MANY_REDIRECTS = "too_many_redirects"


class OutcomeKind(StrEnum):
    SUCCEEDED = "succeeded"
    RETRY = "retry"
    GONE = "gone"  # 410: the receiver wants no more; disable the subscription


@dataclass(frozen=True)
class AttemptResult:
    """What the HTTP client saw: a status code, or a transport error instead."""

    duration: timedelta
    status_code: int | None = None
    error: TransportError | None = None
    retry_after: timedelta | None = None  # parsed Retry-After header, if any

    def __post_init__(self) -> None:
        if (self.status_code is None) == (self.error is None):
            raise ValueError("an attempt has either a status code or a transport error")


@dataclass(frozen=True)
class Outcome:
    kind: OutcomeKind
    reason: str  # short text for the delivery log
    retry_after: timedelta | None = None  # only set for 429/503 that asked for a pause


def classify(result: AttemptResult, timeout: timedelta = DELIVERY_TIMEOUT) -> Outcome:
    """Succeeded on 2xx within the timeout, gone on 410, retry on anything else."""
    if result.error is not None:
        return Outcome(OutcomeKind.RETRY, result.error.value)
    status = result.status_code
    assert status is not None  # guaranteed by AttemptResult
    if result.duration > timeout:
        # A late 2xx still counts as a timeout: the contract says 2xx *within* 10 s.
        return Outcome(OutcomeKind.RETRY, f"timeout (HTTP {status} after {result.duration})")
    if 200 <= status < 300:
        return Outcome(OutcomeKind.SUCCEEDED, f"HTTP {status}")
    if status == 410:
        return Outcome(OutcomeKind.GONE, "HTTP 410 Gone")
    if status in RETRY_AFTER_STATUSES and result.retry_after is not None:
        return Outcome(OutcomeKind.RETRY, f"HTTP {status}", retry_after=result.retry_after)
    return Outcome(OutcomeKind.RETRY, f"HTTP {status}")


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """A Retry-After header (delay-seconds or HTTP-date) as a wait from ``now``.

    None when absent or unreadable; a date in the past gives a zero wait.
    """
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        # Clamped so an absurd value cannot overflow timedelta; callers cap it further.
        return timedelta(seconds=min(int(text), _LONGEST_RETRY_AFTER_SECONDS))
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=UTC)
    return max(timedelta(0), when - now)


def should_disable_subscription(
    first_failure_at: datetime | None,
    last_success_at: datetime | None,
    now: datetime,
    window: timedelta = DISABLE_AFTER,
) -> bool:
    """True when every delivery since ``first_failure_at`` failed and that was a day ago or more.

    ``first_failure_at`` is the first failed attempt of the current run of failures
    (None when the last attempt succeeded); a success after it breaks the run.
    """
    if first_failure_at is None:
        return False
    if last_success_at is not None and last_success_at >= first_failure_at:
        return False
    return now - first_failure_at >= window


@dataclass(frozen=True)
class Attempt:
    """One attempt as the sender made it: what came back, and why a transport error happened."""

    result: AttemptResult
    detail: str | None = None  # for the delivery log
