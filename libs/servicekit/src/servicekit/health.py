"""/healthz (the process is alive) and /readyz (its database and Kafka are reachable)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from events.kafka import broker_reachable

health_router = APIRouter(tags=["operations"])


@health_router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


async def database_reachable(engine: AsyncEngine) -> bool:
    try:
        async with asyncio.timeout(2):
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


@health_router.get(
    "/readyz",
    summary="Database and Kafka are reachable",
    responses={503: {"description": "A dependency is unreachable"}},
)
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    db_ok, kafka_ok = await asyncio.gather(
        database_reachable(state.engine), broker_reachable(state.settings.kafka_bootstrap_servers)
    )
    checks = {"database": "ok" if db_ok else "unreachable", "kafka": "ok" if kafka_ok else "unreachable"}
    ready = db_ok and kafka_ok
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks}, status_code=200 if ready else 503
    )
