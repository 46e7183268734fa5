"""notifications's settings (environment variables; see the README's configuration table)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from pydantic import SecretStr, TypeAdapter, field_validator, model_validator
from pydantic_settings import NoDecode

from notifications.domain.retry_schedule import DEFAULT_SCHEDULE
from servicekit.settings import ServiceSettings

_DURATION = TypeAdapter(timedelta)


def parse_schedule(value: Any) -> tuple[timedelta, ...]:
    """WEBHOOK_RETRY_SCHEDULE: comma-separated ISO 8601 waits (``PT5S,PT5M``); empty means the default."""
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if not parts:
            return DEFAULT_SCHEDULE
        waits = tuple(_DURATION.validate_python(p) for p in parts)
    else:
        waits = tuple(_DURATION.validate_python(p) for p in value)
    if any(w < timedelta(0) for w in waits):
        raise ValueError("retry waits cannot be negative")
    return waits


class Settings(ServiceSettings):
    service_name: str = "notifications"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/notifications"
    # A poll's events are stored and routed in one transaction: under load, waiting up to 50 ms for a
    # fuller poll costs a webhook that much latency and saves most of the per-poll work.
    consumer_batch_wait_ms: int = 50

    # NoDecode: the env value is a comma-separated list, not JSON.
    webhook_retry_schedule: Annotated[tuple[timedelta, ...], NoDecode] = DEFAULT_SCHEDULE
    # Lets receivers on private/loopback addresses through (local stack and tests only).
    webhook_allow_private: bool = False
    webhook_timeout: timedelta = timedelta(seconds=10)
    webhook_max_redirects: int = 5
    # The shared pool of concurrent sends, and the most any one subscription may hold of it. Order
    # is per deal (chains), not per subscription, so one subscription's deals may go in parallel: 2
    # per subscription left half of 16 slots idle with 4 subscriptions (bench: 147 -> 167
    # deliveries/s). A dead receiver still holds only a quarter of the pool.
    webhook_concurrency: int = 32
    webhook_subscription_concurrency: int = 8
    # A claimed delivery is leased; a crashed process's leases expire and others retry them.
    # Longer than one attempt can take (timeout per hop times the hops).
    webhook_lease: timedelta = timedelta(minutes=2)
    webhook_poll_interval: float = 0.25
    # A subscription whose deliveries all failed for this long is disabled.
    webhook_disable_after: timedelta = timedelta(days=1)
    # POST /v1/subscriptions/{id}/replay: the most events one replay may queue (more is 422 with the
    # count), and how many it queues per statement.
    webhook_replay_max: int = 10_000
    webhook_replay_page: int = 1_000
    # Previous secret keeps signing this long after rotate-secret.
    webhook_rotation_grace: timedelta = timedelta(hours=24)
    # Fernet keys for the webhook secrets at rest, comma-separated: the first encrypts, all decrypt.
    # Unset: refused outside ENVIRONMENT=development (which uses a published development key).
    webhook_secret_keys: SecretStr | None = None
    # Replays and redeliveries per subscription and hour (one replay at a time); over it: 429.
    webhook_replays_per_hour: int = 6
    webhook_redeliveries_per_hour: int = 60

    @field_validator("webhook_retry_schedule", mode="before")
    @classmethod
    def _schedule(cls, value: Any) -> tuple[timedelta, ...]:
        return parse_schedule(value)

    @model_validator(mode="after")
    def _lease_outlasts_attempt(self) -> Settings:
        # An attempt (redirects included) is cut off at the timeout; a shorter lease would let
        # a second worker send the same delivery while the first is still waiting for an answer.
        if self.webhook_lease <= self.webhook_timeout:
            raise ValueError("WEBHOOK_LEASE must be longer than WEBHOOK_TIMEOUT")
        if self.webhook_concurrency < 1 or self.webhook_subscription_concurrency < 1:
            raise ValueError("webhook concurrency limits must be at least 1")
        if self.webhook_replay_max < 1 or self.webhook_replay_page < 1:
            raise ValueError("WEBHOOK_REPLAY_MAX and WEBHOOK_REPLAY_PAGE must be at least 1")
        return self
