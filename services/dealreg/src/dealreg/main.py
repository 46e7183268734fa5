"""dealreg: partners, vendor approval policies, deal registrations and their lifecycle. Wiring only."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import asyncpg
import structlog
from fastapi import FastAPI
from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.deal_store import SqlDealStore, unit_of_work
from dealreg.adapters.registration_store import PgRegistrations
from dealreg.api.routes import router
from dealreg.config import Settings
from dealreg.service.ports import DealStore, Registrations, UnitOfWork
from dealreg.service.scheduler import run_pass
from servicekit.app import ServiceContext, create_service_app

log = structlog.get_logger("dealreg.scheduler")


async def scheduler_worker(ctx: ServiceContext) -> None:
    """Every SCHEDULER_INTERVAL, one pass (the app's supervisor restarts it after a crash)."""
    interval = getattr(ctx.settings, "scheduler_interval", timedelta(seconds=30))
    seconds = max(interval.total_seconds(), 0.05)
    transaction: UnitOfWork = unit_of_work(ctx.sessions)
    while True:
        result = await run_pass(transaction, ctx.topics, datetime.now(UTC))
        if result.overdue or result.expired:
            log.info("scheduler pass", overdue=result.overdue, expired=result.expired)
        await asyncio.sleep(seconds)


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service_app(
        settings=settings or Settings(),
        title="dealreg",
        description="Deal registration for channel partners: register, approve, progress and close deals.",
        routers=[router],
        workers={"scheduler": scheduler_worker},
        raw_pool=True,  # registration's hot path (adapters/registration_store.py)
    )
    app.state.deal_store = DEAL_STORE
    app.state.registrations = REGISTRATIONS
    return app


# The stores routes get (api/dependencies.py): a DealStore on the request's session, and
# registrations on the raw pool. Typed here so that mypy checks them against the Protocols.
DEAL_STORE: Callable[[AsyncSession], DealStore] = SqlDealStore
REGISTRATIONS: Callable[[asyncpg.Pool], Registrations] = PgRegistrations
