"""Verifying a webhook from the platform: Standard Webhooks signatures, with the reference package.

notifications signs `<webhook-id>.<webhook-timestamp>.<body>` with each secret in force (two
during a rotation, space-separated in `webhook-signature`); `verify_webhook` accepts the body if
a signature verifies with your secret (or any of several, while you rotate) and the timestamp is
within five minutes, and returns the CloudEvent. Deduplicate on its `id` (= `webhook-id`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

__all__ = ["WebhookVerificationError", "verify_webhook"]


def verify_webhook(body: bytes | str, headers: Mapping[str, str], secrets: str | Sequence[str]) -> dict[str, Any]:
    """The delivered CloudEvent, once its signature checks out; WebhookVerificationError otherwise.

    `body` must be the raw bytes received (not re-serialised JSON); `headers` needs `webhook-id`,
    `webhook-timestamp` and `webhook-signature` (any case); `secrets` is your subscription's
    `whsec_...` secret, or several during a rotation.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    candidates = [secrets] if isinstance(secrets, str) else list(secrets)
    if not candidates:
        raise WebhookVerificationError("no secret to verify with")
    last: WebhookVerificationError | None = None
    for secret in candidates:
        try:
            Webhook(secret).verify(text, lowered)
        except WebhookVerificationError as exc:
            last = exc
            continue
        event: dict[str, Any] = json.loads(text)
        return event
    assert last is not None
    raise last
