import base64
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from notifications.domain.signing import (
    ROTATION_GRACE,
    delivery_headers,
    generate_secret,
    rotate_secret,
    secrets_in_force,
    sign,
    signature_header,
)

EVENT_ID = "5f0c6f0e-4a43-4a5e-9a53-0f0d7d6c9b11"
BODY = json.dumps(
    {"specversion": "1.0", "id": EVENT_ID, "type": "deal-registered", "data": {"customer": "Glöbex"}},
    ensure_ascii=False,
).encode()


def now() -> datetime:
    # Real time: the package's verify() refuses timestamps more than 5 minutes off.
    return datetime.now(UTC)


def test_generated_secrets_are_whsec_base64_of_32_random_bytes_and_unique() -> None:
    secrets = {generate_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32


def test_generate_secret_uses_the_injected_randomness() -> None:
    assert generate_secret(lambda n: b"\x01" * n) == "whsec_" + base64.b64encode(b"\x01" * 32).decode()


def test_a_delivery_verifies_with_the_standardwebhooks_package() -> None:
    secret = generate_secret()
    headers = delivery_headers([secret], EVENT_ID, now(), BODY)
    assert headers["webhook-id"] == EVENT_ID
    assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)


def test_a_tampered_body_or_other_secret_does_not_verify() -> None:
    secret = generate_secret()
    headers = delivery_headers([secret], EVENT_ID, now(), BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(BODY.replace(b"deal-registered", b"deal-approved"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_signature_matches_the_contract_formula() -> None:
    import hashlib
    import hmac

    secret = generate_secret()
    ts = datetime(2026, 11, 2, 9, 0, 0, tzinfo=UTC)
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, f"{EVENT_ID}.{int(ts.timestamp())}.".encode() + BODY, hashlib.sha256).digest()
    assert sign(secret, EVENT_ID, ts, BODY) == "v1," + base64.b64encode(expected).decode()


def test_timestamp_header_is_unix_seconds_whatever_the_zone() -> None:
    ts = datetime(2026, 11, 2, 9, 0, 0, 900000, tzinfo=UTC)
    cet = ts.astimezone(timezone(timedelta(hours=1)))
    headers_utc = delivery_headers([generate_secret()], EVENT_ID, ts, BODY)
    assert headers_utc["webhook-timestamp"] == str(int(datetime(2026, 11, 2, 9, 0, tzinfo=UTC).timestamp()))
    secret = generate_secret()
    assert sign(secret, EVENT_ID, cet, BODY) == sign(secret, EVENT_ID, ts, BODY)


def test_naive_timestamps_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sign(generate_secret(), EVENT_ID, datetime(2026, 11, 2, 9, 0), BODY)


def test_during_rotation_both_secrets_sign_and_either_verifies() -> None:
    old, new = generate_secret(), generate_secret()
    headers = delivery_headers([new, old], EVENT_ID, now(), BODY)
    signatures = headers["webhook-signature"].split(" ")
    assert len(signatures) == 2
    assert all(s.startswith("v1,") for s in signatures)
    assert Webhook(old).verify(BODY, headers) == json.loads(BODY)
    assert Webhook(new).verify(BODY, headers) == json.loads(BODY)
    with pytest.raises(WebhookVerificationError):
        Webhook(generate_secret()).verify(BODY, headers)


def test_signature_header_signs_each_secret_once() -> None:
    secret = generate_secret()
    assert signature_header([secret, secret], EVENT_ID, now(), BODY).count("v1,") == 1


def test_signature_header_needs_a_secret() -> None:
    with pytest.raises(ValueError, match="at least one secret"):
        signature_header([], EVENT_ID, now(), BODY)


T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("previous", "expires_at", "at", "expected"),
    [
        (None, None, T0, ["new"]),
        ("old", T0 + timedelta(hours=1), T0, ["new", "old"]),
        ("old", T0 + timedelta(hours=1), T0 + timedelta(minutes=59), ["new", "old"]),
        ("old", T0 + timedelta(hours=1), T0 + timedelta(hours=1), ["new"]),
        ("old", T0 + timedelta(hours=1), T0 + timedelta(days=2), ["new"]),
        ("old", None, T0, ["new"]),
    ],
)
def test_secrets_in_force(previous: str | None, expires_at: datetime | None, at: datetime, expected: list[str]) -> None:
    assert secrets_in_force("new", previous, expires_at, at) == expected


def test_rotation_keeps_the_old_secret_signing_for_the_grace_period() -> None:
    old = generate_secret()
    rotated = rotate_secret(old, T0)
    assert rotated.current != old
    assert rotated.current.startswith("whsec_")
    assert rotated.previous == old
    assert rotated.previous_expires_at == T0 + ROTATION_GRACE
    in_force = secrets_in_force(rotated.current, rotated.previous, rotated.previous_expires_at, T0)
    assert in_force == [rotated.current, old]
    after = T0 + ROTATION_GRACE
    assert secrets_in_force(rotated.current, rotated.previous, rotated.previous_expires_at, after) == [rotated.current]
