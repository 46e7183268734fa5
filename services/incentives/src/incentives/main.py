"""incentives: Incentive programs, the rewards ledger, rep earnings, payouts and program simulations."""

from __future__ import annotations

from fastapi import FastAPI

from incentives.adapters.store import PgStore
from incentives.api.proposals import router as proposals_router
from incentives.api.routes import router
from incentives.config import Settings
from incentives.consumers import deal_events_worker, partner_events_worker
from servicekit.app import create_service_app


def _wire(app: FastAPI) -> None:
    # Routes get their store through api.dependencies.get_store, on the request's session.
    app.state.store = PgStore


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        title="incentives",
        description="Incentive programs, the rewards ledger, rep earnings, payouts and program simulations.",
        routers=[router, proposals_router],
        workers={"deal-events": deal_events_worker, "partner-events": partner_events_worker},
        configure=_wire,
    )
