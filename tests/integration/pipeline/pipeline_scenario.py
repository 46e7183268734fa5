"""Feeding the pipeline through the real Kafka, and reading its figures over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import new_event
from support.events import deal_data, deal_event
from support.kafka import eventually, produce

PERIOD = "2030Q1"  # support.events.deal_data's expected close date, 2030-02-15, falls in it


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def send(infra: Any, topic_prefix: str, event_type: str, data: dict[str, Any]) -> None:
    event = deal_event(event_type, data)
    await produce(infra.kafka_bootstrap, topic_prefix + "deals.v1", event.to_json(), key=data["id"].encode())


async def enrol(
    infra: Any,
    topic_prefix: str,
    vendor_id: str,
    partner_id: str,
    *,
    event_type: str = "partner-enrolled",
    version: int = 1,
    updated_at: Any = None,
    **terms: Any,
) -> None:
    """dealreg's partner-enrolled (or -updated) event of a partner with a vendor, on partners.v1."""
    from datetime import UTC, datetime

    data = {
        "partner_id": partner_id,
        "vendor_id": vendor_id,
        "name": f"Partner {partner_id}",
        "tier": 2,
        "territory": "west",
        "region": "NA",
        "channel_manager": "cm-1",
        "version": version,
        "updated_at": (updated_at or datetime.now(UTC)).isoformat(),
        **terms,
    }
    event = new_event(event_type=event_type, service="dealreg", subject=partner_id, data=data)
    await produce(infra.kafka_bootstrap, topic_prefix + "partners.v1", event.to_json(), key=partner_id.encode())


def deal(vendor_id: str, partner_id: str, **fields: Any) -> dict[str, Any]:
    return deal_data(vendor_id=vendor_id, partner_id=partner_id, **fields)


async def figures(client: httpx.AsyncClient, headers: dict[str, str], partner_id: str, vendor_id: str) -> Any:
    response = await client.get(
        f"/v1/partners/{partner_id}/pipeline", params={"vendor_id": vendor_id, "period": PERIOD}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def wait_for_figures(
    client: httpx.AsyncClient, headers: dict[str, str], partner_id: str, vendor_id: str, **expected: Any
) -> dict[str, Any]:
    """The figures once every expected value shows (the consumer is asynchronous)."""

    async def check() -> dict[str, Any]:
        body = await figures(client, headers, partner_id, vendor_id)
        assert {k: body[k] for k in expected} == expected
        return dict(body)

    result = await eventually(check, timeout=30)
    assert isinstance(result, dict)
    return result


async def scenario_deals(infra: Any, topic_prefix: str, vendor_id: str, partner_id: str) -> None:
    """Two open deals, one won, one lost, all in PERIOD (see EXPECTED)."""
    d1 = deal(vendor_id, partner_id, amount="12000.00")
    await send(infra, topic_prefix, "deal-registered", d1)

    d2 = deal(vendor_id, partner_id, amount="4000.00")
    await send(infra, topic_prefix, "deal-registered", d2)
    await send(infra, topic_prefix, "deal-approved", {**d2, "status": "approved", "version": 2})
    await send(infra, topic_prefix, "stage-advanced", {**d2, "status": "approved", "stage": "proposal", "version": 3})

    won = deal(vendor_id, partner_id, amount="6000.00", created_at=_at("2030-01-10"))
    await send(infra, topic_prefix, "deal-registered", won)
    closed_won = {
        **won,
        "status": "closed",
        "stage": "closed_won",
        "outcome": "won",
        "final_amount": "5000.00",
        "closed_on": "2030-01-20",
        "version": 2,
    }
    await send(infra, topic_prefix, "deal-closed", closed_won)

    lost = deal(vendor_id, partner_id, amount="1000.00", created_at=_at("2030-01-30"))
    await send(infra, topic_prefix, "deal-registered", lost)
    closed_lost = {**lost, "status": "closed", "stage": "closed_lost", "outcome": "lost", "closed_on": "2030-03-01"}
    await send(infra, topic_prefix, "deal-closed", {**closed_lost, "version": 2})


# With a plan of 10000.00 and the default policy.
EXPECTED = {
    "plan": "10000.00",
    "closed_won": "5000.00",
    "performance_to_plan": "0.5000",
    "pipeline_total": "16000.00",
    "pipeline_target": "20000.00",
    "risk_adjusted_pipeline": "3200.00",  # 12000 x 0.10 + 4000 x 0.50
    "risk_adjusted_target": "10000.00",
    "coverage": "0.3200",
    "open_deals": 2,
    "won_deals": 1,
    "lost_deals": 1,
    "win_rate": "0.5000",
    "avg_deal_size": "5000.00",
    "avg_cycle_days": "20.00",  # (10 + 30) / 2
    "sales_velocity": "250.00",  # 2 x 5000 x 0.5 / 20
}


def _at(day: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(day).replace(tzinfo=UTC)


async def put_plan(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    partner_id: str,
    vendor_id: str,
    target: str = "10000.00",
    *,
    currency: str = "USD",
    wait_for_enrolment: bool = True,
) -> httpx.Response:
    """PUT the plan; while it is 404, retry for a while (by default): the partner's enrolment
    event (see enrol) reaches the pipeline asynchronously, and until then its plan is 404."""
    body = {"vendor_id": vendor_id, "revenue_target": target, "currency": currency}

    async def attempt() -> list[httpx.Response]:
        response = await client.put(f"/v1/plans/{partner_id}/{PERIOD}", json=body, headers=headers)
        assert not wait_for_enrolment or response.status_code != 404, response.text
        return [response]

    try:
        result = await eventually(attempt, timeout=30)
    except AssertionError:
        return await client.put(f"/v1/plans/{partner_id}/{PERIOD}", json=body, headers=headers)
    assert isinstance(result, list)
    return result[0]


@asynccontextmanager
async def database(make_db: Callable[..., Any]) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A fresh, migrated pipeline database, as a session factory."""
    engine = create_async_engine(await make_db("pipeline"))
    try:
        yield async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)
    finally:
        await engine.dispose()
