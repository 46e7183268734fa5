"""Webhook secrets at rest: only ciphertext in the database, idempotency replays included;
keys rotate (old keys decrypt, the new one encrypts). Replays and redeliveries are limited
per subscription."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from cryptography.fernet import Fernet
from notifications_helpers import Receiver, deal_event, fresh_vendor, subscribe

from notifications.adapters.secret_box import DEV_WEBHOOK_SECRET_KEY
from support.kafka import eventually

HOOK = "https://93.184.215.14/in"  # a public address literal: no DNS needed


def _dsn(app: Any) -> str:
    return str(app.state.settings.asyncpg_dsn)


async def _stored(app: Any, sql: str, *args: Any) -> list[Any]:
    conn = await asyncpg.connect(_dsn(app))
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


async def _everything_stored(app: Any) -> bytes:
    """Every text and bytea value of the tables a secret could land in, as one blob."""
    rows = await _stored(app, "SELECT * FROM subscriptions")
    rows += await _stored(app, "SELECT * FROM idempotency_keys")
    return repr([dict(r) for r in rows]).encode()


async def test_secrets_are_stored_encrypted_and_idempotent_replays_never_keep_them_in_clear(
    notifications: Any, token: Any
) -> None:
    headers = {**token("vendor", sub="u", vendor_id=f"v-{uuid.uuid4().hex[:6]}"), "Idempotency-Key": "create-1"}
    async with notifications() as (client, app):
        created = await client.post(
            "/v1/subscriptions", json={"url": HOOK, "event_types": ["deal-registered"]}, headers=headers
        )
        assert created.status_code == 201, created.text
        secret = created.json()["secret"]
        assert secret.startswith("whsec_")

        replayed = await client.post(
            "/v1/subscriptions", json={"url": HOOK, "event_types": ["deal-registered"]}, headers=headers
        )
        assert replayed.status_code == 201
        assert replayed.json() == created.json(), "the replay answers the same secret, in clear, to its owner"

        sub_id = created.json()["id"]
        rotate_headers = {**headers, "Idempotency-Key": "rotate-1"}
        rotated = await client.post(f"/v1/subscriptions/{sub_id}/rotate-secret", headers=rotate_headers)
        assert rotated.status_code == 200, rotated.text
        new_secret = rotated.json()["secret"]
        again = await client.post(f"/v1/subscriptions/{sub_id}/rotate-secret", headers=rotate_headers)
        assert again.json()["secret"] == new_secret

        stored = await _everything_stored(app)
        assert secret.encode() not in stored
        assert new_secret.encode() not in stored
        assert secret.removeprefix("whsec_").encode() not in stored
        [row] = await _stored(app, "SELECT secret, previous_secret FROM subscriptions WHERE id = $1", sub_id)
        dev = Fernet(DEV_WEBHOOK_SECRET_KEY.encode())
        assert dev.decrypt(row["secret"].encode()).decode() == new_secret
        assert dev.decrypt(row["previous_secret"].encode()).decode() == secret


async def test_a_new_key_encrypts_and_the_old_one_still_decrypts(notifications: Any, token: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    headers = token("vendor", sub="u", vendor_id=f"v-{uuid.uuid4().hex[:6]}")
    async with notifications(webhook_secret_keys=old) as (client, app):
        created = await subscribe(client, headers, HOOK, ["deal-registered"])
        database_url = app.state.settings.database_url
    async with notifications(webhook_secret_keys=f"{new},{old}", database_url=database_url) as (client, app):
        # Rotating reads the old secret (sealed with the old key) and writes both under the new key.
        rotated = await client.post(f"/v1/subscriptions/{created['id']}/rotate-secret", headers=headers)
        assert rotated.status_code == 200, rotated.text
        [row] = await _stored(app, "SELECT secret, previous_secret FROM subscriptions WHERE id = $1", created["id"])
        only_new = Fernet(new.encode())
        assert only_new.decrypt(row["secret"].encode()).decode() == rotated.json()["secret"]
        assert only_new.decrypt(row["previous_secret"].encode()).decode() == created["secret"]


async def test_deliveries_are_signed_with_the_decrypted_secret(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    from standardwebhooks import Webhook

    vendor, headers = fresh_vendor(token)
    async with notifications() as (client, _):
        sub = await subscribe(client, headers, receiver.url("/signed"), ["deal-registered"])
        await send_deal_event(deal_event(vendor, "p-1"))
        await eventually(lambda: len(receiver.at("/signed")) == 1, timeout=30)
        got = receiver.at("/signed")[0]
        Webhook(sub["secret"]).verify(got.body, got.headers)


async def test_replays_and_redeliveries_are_limited_per_subscription(
    notifications: Any, receiver: Receiver, token: Any, send_deal_event: Any
) -> None:
    vendor, headers = fresh_vendor(token)
    body = {"url": receiver.url("/limited"), "event_types": ["deal-registered"]}
    async with notifications(webhook_replays_per_hour=2, webhook_redeliveries_per_hour=1) as (client, app):
        sub = (await client.post("/v1/subscriptions", json=body, headers=headers)).json()
        other = (await client.post("/v1/subscriptions", json=body, headers=headers)).json()
        since = {"since": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}

        codes = [
            (await client.post(f"/v1/subscriptions/{sub['id']}/replay", json=since, headers=headers)) for _ in range(3)
        ]
        assert [r.status_code for r in codes] == [202, 202, 429]
        refused = codes[-1]
        assert refused.headers["content-type"] == "application/problem+json"
        assert 3000 < int(refused.headers["retry-after"]) <= 3600
        assert (
            await client.post(f"/v1/subscriptions/{other['id']}/replay", json=since, headers=headers)
        ).status_code == 202

        # One replay at a time: while another holds the subscription's replay lock, the next is refused at once.
        conn = await asyncpg.connect(_dsn(app))
        try:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('replay:' || $1, 0))", other["id"])
                busy = await client.post(f"/v1/subscriptions/{other['id']}/replay", json=since, headers=headers)
        finally:
            await conn.close()
        assert busy.status_code == 429
        assert busy.headers["retry-after"] == "1"

        await send_deal_event(deal_event(vendor, "p-1"))
        await eventually(lambda: len(receiver.at("/limited")) >= 2, timeout=30)
        [delivery, *_] = (
            await client.get("/v1/deliveries", params={"subscription_id": sub["id"]}, headers=headers)
        ).json()["items"]
        first = await client.post(f"/v1/deliveries/{delivery['id']}/redeliver", headers=headers)
        second = await client.post(f"/v1/deliveries/{delivery['id']}/redeliver", headers=headers)
        assert (first.status_code, second.status_code) == (202, 429)
        assert int(second.headers["retry-after"]) > 3000
