"""An aggregator integrates with the platform through the typed Python client only (clients/python).

It subscribes to webhooks, registers a batch on behalf of two partners (retries reuse one
Idempotency-Key), hears the vendor's decisions as signed webhooks it verifies, and reads the
rewards back through the paginated ledger. The program pays at approval, so a reward follows the
vendor's decision. The scene (partners, program) and the vendor's decisions are set through the
same client, with the admin's and the vendor's tokens.
"""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema
from channel_platform_client import Platform, call_async, expect, items, verify_webhook
from channel_platform_client.generated.dealreg.api.deals import post_deals_batch, post_decision
from channel_platform_client.generated.dealreg.api.partners import put_partner
from channel_platform_client.generated.dealreg.models import (
    BatchIn,
    BatchOut,
    DealOut,
    DecisionIn,
    PartnerIn,
    PartnerOut,
)
from channel_platform_client.generated.incentives.api.ledger import get_ledger
from channel_platform_client.generated.incentives.api.programs import create_program
from channel_platform_client.generated.incentives.models import ProgramCreate, ProgramOut
from channel_platform_client.generated.notifications.api.subscriptions import post_subscription
from channel_platform_client.generated.notifications.models import (
    DealApprovedWebhook,
    SubscriptionCreate,
    SubscriptionWithSecret,
)

from support.kafka import eventually
from support.receivers import WebhookReceiver
from support.scenario import registration

VENDOR = "aggvendor"
PARTNERS = ("p-agg-1", "p-agg-2")


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def _platform(urls: dict[str, str], headers: dict[str, str]) -> Platform:
    return Platform(_token(headers), urls=urls)


async def _set_the_scene(admin: Platform) -> None:
    for partner_id in PARTNERS:
        profile = PartnerIn.from_dict({"name": f"Partner {partner_id}", "tier": 2, "vendor_ids": [VENDOR]})
        answer = await call_async(
            put_partner.asyncio_detailed, partner_id=partner_id, client=admin.dealreg, body=profile
        )
        expect(answer, PartnerOut, 200, 201)
    terms = ProgramCreate.from_dict(
        {
            "vendor_id": VENDOR,
            "name": "Aggregated FY27",
            "currency": "USD",
            "starts_on": "2026-01-01",
            "ends_on": "2030-12-31",
            "registration_reward_pct": "25",
            "pay_registration_on": "approved",
            "tier_multipliers": {"1": "1.0", "2": "1.25", "3": "1.5"},
        }
    )
    expect(await call_async(create_program.asyncio_detailed, client=admin.incentives, body=terms), ProgramOut, 201)


async def test_an_aggregator_registers_a_batch_hears_the_decisions_and_reads_its_rewards(e2e_stack, token) -> None:
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    admin = _platform(urls, token("admin", sub="ops"))
    vendor = _platform(urls, token("vendor", sub="approver-agg", vendor_id=VENDOR))
    aggregator = _platform(urls, token("aggregator", sub="agg-bot", partner_ids=list(PARTNERS)))
    hook = WebhookReceiver().start()
    try:
        await _set_the_scene(admin)

        # 1. The aggregator subscribes to the decisions and rewards of its partners.
        wanted = SubscriptionCreate.from_dict(
            {"url": hook.url, "event_types": ["deal-approved", "deal-rejected", "reward-earned"]}
        )
        subscription = expect(
            await call_async(post_subscription.asyncio_detailed, client=aggregator.notifications, body=wanted),
            SubscriptionWithSecret,
            201,
        )
        assert subscription.secret.startswith("whsec_")

        # 2. One batch, one deal per partner, each item with its own idempotency key.
        batch = BatchIn.from_dict(
            {
                "items": [
                    {
                        **registration(f"Aggregated Customer {n}", vendor_id=VENDOR),
                        "partner_id": partner_id,
                        "rep": {"id": f"rep-{partner_id}"},
                        "idempotency_key": f"agg-batch-{partner_id}",
                    }
                    for n, partner_id in enumerate(PARTNERS)
                ]
            }
        )
        answer = await call_async(post_deals_batch.asyncio_detailed, client=aggregator.dealreg, body=batch)
        results = expect(answer, BatchOut, 200).results
        assert [r.status for r in results] == [201, 201], [r.to_dict() for r in results]
        deals: list[DealOut] = [r.deal for r in results if isinstance(r.deal, DealOut)]
        assert [d.partner_id for d in deals] == list(PARTNERS)
        assert all(d.status == "pending_approval" and d.amount == "12000.00" for d in deals)

        # 3. The vendor approves the first deal and rejects the second, each at the version it read.
        for deal, decision in zip(deals, ("approve", "reject"), strict=True):
            answer = await call_async(
                post_decision.asyncio_detailed,
                deal_id=deal.id,
                client=vendor.dealreg,
                body=DecisionIn.from_dict({"decision": decision, "reason": "checked by the vendor"}),
                if_match=str(deal.version),
            )
            decided = expect(answer, DealOut, 200)
            assert decided.status == ("approved" if decision == "approve" else "rejected")

        # 4. The decisions and the reward arrive as signed webhooks; the aggregator verifies each.
        def heard() -> dict[str, dict[str, Any]] | None:
            events: dict[str, dict[str, Any]] = {}
            for headers, body in hook.received():
                event = verify_webhook(body, headers, subscription.secret)
                events[f"{event['type']}:{event['subject']}"] = event
            expected = {
                f"deal-approved:{deals[0].id}",
                f"deal-rejected:{deals[1].id}",
                f"reward-earned:{deals[0].id}",
            }
            return events if expected <= set(events) else None

        events = await eventually(heard, timeout=45)
        assert isinstance(events, dict)
        approved = DealApprovedWebhook.from_dict(events[f"deal-approved:{deals[0].id}"])  # the typed body
        assert (approved.data.status, approved.data.partner_id) == ("approved", PARTNERS[0])
        assert isinstance(approved.dataschema, str)
        assert approved.dataschema == f"{urls['dealreg']}/schemas/events/deal-approved.json"
        # The dataschema URL resolves, without a token, to the schema the event's data satisfies.
        schema = httpx.get(approved.dataschema, timeout=10)
        assert schema.status_code == 200 and schema.headers["content-type"] == "application/schema+json"
        jsonschema.validate(events[f"deal-approved:{deals[0].id}"]["data"], schema.json())
        reward_event = events[f"reward-earned:{deals[0].id}"]
        assert (reward_event["data"]["amount"], reward_event["data"]["kind"]) == ("937.50", "registration")
        assert not any(key.startswith("reward-earned:") and deals[1].id in key for key in events)

        # 5. The rewards read back through the ledger, page by page (one entry per page here).
        ledger = list(items(get_ledger.sync_detailed, client=aggregator.incentives, limit=1))
        mine = {(e.deal_id, e.partner_id, e.kind, e.amount) for e in ledger}
        assert mine == {(deals[0].id, PARTNERS[0], "registration", "937.50")}
    finally:
        hook.stop()
        for platform in (admin, vendor, aggregator):
            platform.close()
