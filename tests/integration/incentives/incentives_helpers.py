"""Helpers for incentives integration tests: unique vendors, programs, deal events over Kafka."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from events.envelope import new_event
from support import scenario
from support.events import deal_data, deal_event
from support.kafka import produce

# The scene's program (support.scenario) with every reward rule on; each test names its own vendor.
PROGRAM: dict[str, Any] = {
    **{name: value for name, value in scenario.PROGRAM.items() if name != "vendor_id"},
    "stage_bonuses": {"qualified": "50.00", "proposal": "100.00", "negotiation": "150.00"},
    "close_won_pct": "2",
    "clawback_on_reject": True,
}


def new_vendor() -> str:
    # Topics and the consumer group are shared by the whole run: a vendor of its own
    # keeps other tests' events from landing in this test's program.
    return f"v-{uuid.uuid4().hex[:10]}"


async def make_program(client: httpx.AsyncClient, headers: dict[str, str], vendor_id: str, **changes: Any) -> Any:
    r = await client.post("/v1/programs", json={**PROGRAM, "vendor_id": vendor_id, **changes}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


class DealFeed:
    """Publishes one deal's events to deals.v1 the way dealreg does (keyed by deal id)."""

    def __init__(self, bootstrap: str, topic_prefix: str, vendor_id: str, **deal: Any) -> None:
        self.bootstrap = bootstrap
        self.topic = topic_prefix + "deals.v1"
        self.data = deal_data(vendor_id=vendor_id, **deal)
        self.id: str = self.data["id"]

    async def send(self, event_type: str, **changes: Any) -> str:
        """Publish the event; its id."""
        self.data = {**self.data, **changes, "version": self.data["version"] + 1}
        event = deal_event(event_type, self.data)
        await produce(self.bootstrap, self.topic, event.to_json(), key=self.id.encode())
        return event.id


async def rewards(client: httpx.AsyncClient, headers: dict[str, str], deal_id: str) -> dict[str, str]:
    """rule key -> granted amount, read back through GET /v1/deals/{id}/rewards."""
    r = await client.get(f"/v1/deals/{deal_id}/rewards", headers=headers)
    assert r.status_code == 200, r.text
    return {_key(i): i["amount"] for i in r.json()["items"]}


def _key(item: dict[str, Any]) -> str:
    return {"registration": "registration", "close_bonus": "close", "clawback": "clawback"}.get(
        item["kind"], f"stage:{item['stage']}"
    )


async def enrol(
    bootstrap: str, topic_prefix: str, partner_id: str, vendor_id: str, *, tier: int = 2, version: int = 1, **extra: Any
) -> str:
    """Publish a partner-enrolled (version 1) or partner-updated event on partners.v1, as dealreg does; its id."""
    data = {
        "partner_id": partner_id,
        "vendor_id": vendor_id,
        "name": f"Partner {partner_id}",
        "tier": tier,
        "territory": "west",
        "region": "NA",
        "channel_manager": "cm-1",
        "version": version,
        "updated_at": datetime.now(UTC).isoformat(),
        **extra,
    }
    event_type = "partner-enrolled" if version == 1 else "partner-updated"
    event = new_event(event_type=event_type, service="dealreg", subject=partner_id, data=data)
    await produce(bootstrap, topic_prefix + "partners.v1", event.to_json(), key=partner_id.encode())
    return event.id
