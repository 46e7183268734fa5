"""Standard Webhooks signatures: secrets, signing, and the rotation grace period.

The signed content is ``{webhook-id}.{webhook-timestamp}.{body}`` with HMAC-SHA256
keyed by the secret's bytes after ``whsec_``; the standardwebhooks package does
the arithmetic so receivers using it verify exactly what we send. During a
rotation both the new and the previous secret sign (the header carries several
space-separated ``v1,<sig>``), so a receiver can switch secrets without losing
deliveries.
"""

import base64
import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from secrets import token_bytes

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # Standard Webhooks asks for 24 to 64 random bytes
ROTATION_GRACE = timedelta(hours=24)


def generate_secret(random_bytes: Callable[[int], bytes] = token_bytes) -> str:
    """A new signing secret: ``whsec_`` + standard base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(random_bytes(SECRET_BYTES)).decode("ascii")


def _as_text(body: bytes | str) -> str:
    # The package signs text; the body we send is UTF-8 JSON, so this is lossless.
    return body.decode("utf-8") if isinstance(body, bytes) else body


def _utc(timestamp: datetime) -> datetime:
    # The package does timestamp.replace(tzinfo=UTC), which would shift any other zone.
    if timestamp.tzinfo is None:
        raise ValueError("timestamp must be timezone-aware")
    return timestamp.astimezone(UTC)


def timestamp_header(timestamp: datetime) -> str:
    """The ``webhook-timestamp`` value: whole unix seconds, as the package signs them."""
    return str(math.floor(_utc(timestamp).timestamp()))


@functools.lru_cache(maxsize=1024)
def _signer(secret: str) -> Webhook:
    # Decoding the secret once per secret, not once per attempt; a rotated secret is a new key.
    return Webhook(secret)


def sign(secret: str, msg_id: str, timestamp: datetime, body: bytes | str) -> str:
    """One ``v1,<base64 signature>`` for ``body`` under ``secret``."""
    result: str = _signer(secret).sign(msg_id, _utc(timestamp), _as_text(body))
    return result


def signature_header(secrets: Sequence[str], msg_id: str, timestamp: datetime, body: bytes | str) -> str:
    """The ``webhook-signature`` value: one signature per secret in force, space-separated."""
    if not secrets:
        raise ValueError("at least one secret is needed to sign a delivery")
    unique = list(dict.fromkeys(secrets))  # a secret listed twice signs once
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in unique)


def delivery_headers(secrets: Sequence[str], msg_id: str, timestamp: datetime, body: bytes | str) -> dict[str, str]:
    """The three Standard Webhooks headers for one attempt (``msg_id`` is the event id)."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": timestamp_header(timestamp),
        "webhook-signature": signature_header(secrets, msg_id, timestamp, body),
    }


def secrets_in_force(
    current: str, previous: str | None, previous_expires_at: datetime | None, now: datetime
) -> list[str]:
    """The secrets that sign now: the current one, plus the previous one until it expires."""
    if previous is not None and previous_expires_at is not None and now < previous_expires_at:
        return [current, previous]
    return [current]


@dataclass(frozen=True)
class SecretRotation:
    """A subscription's secrets after rotate-secret."""

    current: str
    previous: str
    previous_expires_at: datetime


def rotate_secret(
    current: str,
    now: datetime,
    grace: timedelta = ROTATION_GRACE,
    new_secret: Callable[[], str] = generate_secret,
) -> SecretRotation:
    """A fresh secret; the old one keeps signing for ``grace`` (only one previous is kept)."""
    return SecretRotation(current=new_secret(), previous=current, previous_expires_at=now + grace)
