"""The same event delivered twice to the incentives consumer makes one ledger entry."""

from __future__ import annotations

from sqlalchemy import text

from events.metrics import EVENTS_PROCESSED
from support.events import deal_data, deal_event
from support.kafka import eventually, produce
from support.scenario import create_program


async def test_a_redelivered_event_is_applied_once(service_client, token, infra, topic_prefix) -> None:
    admin = token("admin", sub="ops")
    duplicates = EVENTS_PROCESSED.labels("incentives", "deal-registered", "duplicate")
    seen_before = duplicates._value.get()
    async with service_client("incentives") as (incentives, app):
        await create_program(incentives, admin)
        event = deal_event("deal-registered", deal_data(rep_id="rep-dup", tier=3))
        for _ in range(2):
            await produce(infra.kafka_bootstrap, topic_prefix + "deals.v1", event.to_json(), key=event.subject.encode())

        await eventually(lambda: duplicates._value.get() >= seen_before + 1, timeout=30)
        async with app.state.engine.connect() as conn:
            amounts = (
                (await conn.execute(text("SELECT amount FROM ledger_entries WHERE deal_id = :d"), {"d": event.subject}))
                .scalars()
                .all()
            )
        assert [str(a) for a in amounts] == ["1125.00"]  # 3000.00 x 25 % x 1.5, once
