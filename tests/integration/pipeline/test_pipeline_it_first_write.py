"""The first write of a versioned document, raced: with `If-Match: 0` exactly one of several
concurrent PUTs wins and the others get 412 (never a 500 from the second INSERT of the row)."""

from __future__ import annotations

import asyncio
from typing import Any

from pipeline_scenario import PERIOD, enrol, unique
from sqlalchemy import text

from support.kafka import eventually

RACERS = 6


async def race(client: Any, url: str, bodies: list[dict[str, Any]], headers: dict[str, str]) -> list[int]:
    answers = await asyncio.gather(
        *(client.put(url, json=body, headers={**headers, "If-Match": "0"}) for body in bodies)
    )
    return sorted(a.status_code for a in answers)


async def test_concurrent_first_puts_of_a_document_one_wins_the_others_412(
    service_client, token, infra, topic_prefix
) -> None:
    vendor, partner = unique("v"), unique("p")
    headers = token("vendor", vendor_id=vendor)
    async with service_client("pipeline") as (client, app):
        await enrol(infra, topic_prefix, vendor, partner)

        async def enrolled() -> bool:
            async with app.state.engine.connect() as conn:
                query = text("SELECT 1 FROM partner_enrolments WHERE partner_id = :p AND vendor_id = :v")
                assert (await conn.execute(query, {"p": partner, "v": vendor})).first() is not None
            return True

        await eventually(enrolled, timeout=30)
        thresholds = [{"at_risk_threshold": f"0.{50 + i}"} for i in range(RACERS)]
        assert await race(client, f"/v1/vendors/{vendor}/pipeline-policy", thresholds, headers) == [200] + [412] * (
            RACERS - 1
        )
        weights = [{"weights": {"registrations": str(i + 1)}} for i in range(RACERS)]
        assert await race(client, f"/v1/vendors/{vendor}/scorecard-weights", weights, headers) == [200] + [412] * (
            RACERS - 1
        )
        plans = [{"vendor_id": vendor, "revenue_target": f"{1000 + i}.00", "currency": "USD"} for i in range(RACERS)]
        codes = await race(client, f"/v1/plans/{partner}/{PERIOD}", plans, headers)
        assert len([c for c in codes if c in (200, 201)]) == 1 and codes.count(412) == RACERS - 1, codes
        for url in (f"/v1/vendors/{vendor}/pipeline-policy", f"/v1/vendors/{vendor}/scorecard-weights"):
            assert (await client.get(url, headers=headers)).json()["version"] == 1
