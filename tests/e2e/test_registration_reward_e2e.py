"""The thin slice, black box: four service processes, real Kafka and PostgreSQL.

A partner registers a deal at dealreg; incentives consumes deal-registered from Kafka
and pays the registration reward; the rep sees it in the earnings statement.
"""

from __future__ import annotations

import re

import httpx

from events.envelope import CloudEvent
from support.kafka import eventually, read_topic
from support.scenario import create_program, put_partner, registration

TRACEPARENT = re.compile(r"^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")


async def test_registration_reward_is_visible_to_the_rep(e2e_stack, infra, token) -> None:
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    admin = token("admin", sub="ops")
    partner = token("partner", sub="rep-e2e", partner_id="p-e2e")
    async with (
        httpx.AsyncClient(base_url=urls["dealreg"]) as dealreg,
        httpx.AsyncClient(base_url=urls["incentives"]) as incentives,
    ):
        await put_partner(dealreg, admin, "p-e2e", tier=2)
        await create_program(incentives, admin)
        response = await dealreg.post("/v1/deals", json=registration("Globex Corporation"), headers=partner)
        assert response.status_code == 201, response.text
        deal = response.json()
        assert (deal["amount"], deal["margin_amount"], deal["status"]) == ("12000.00", "3000.00", "pending_approval")

        async def rewarded() -> dict[str, object] | None:
            r = await incentives.get("/v1/reps/rep-e2e/earnings", headers=partner)
            if r.status_code == 404:  # v1.1: a rep without a visible reward is unknown (no existence oracle)
                return None
            assert r.status_code == 200, r.text
            body = r.json()
            return body if body["net"] != "0.00" else None

        earnings = await eventually(rewarded, timeout=30)
    # 3000.00 margin x 25 % x 1.25 (tier 2) = 937.50
    assert earnings["earned"] == "937.50"
    assert earnings["by_kind"] == {"registration": "937.50"}

    records = await read_topic(
        infra.kafka_bootstrap,
        e2e_stack.topic_prefix + "deals.v1",
        until=lambda rs: any(r.key == deal["id"].encode() for r in rs),
    )
    mine = [r for r in records if r.key == deal["id"].encode()]
    assert len(mine) == 1
    event = CloudEvent.from_json(mine[0].value)
    assert (event.specversion, event.type, event.subject, event.source) == (
        "1.0",
        "deal-registered",
        deal["id"],
        "/services/dealreg",
    )
    assert event.data["id"] == deal["id"]
    assert event.data["partner"]["tier"] == 2
    headers = dict(mine[0].headers)
    assert TRACEPARENT.match(headers["traceparent"].decode())
    assert headers["content-type"].startswith(b"application/cloudevents+json")
