"""pipeline: Partner plans, pipeline policies, pipeline-to-plan figures and rollups (wiring only)."""

from __future__ import annotations

from fastapi import FastAPI

from pipeline.adapters.scorecard_store import PgScorecardStore
from pipeline.adapters.store import PgPipelineStore
from pipeline.api.routes import router
from pipeline.api.scorecard_routes import router as scorecard_router
from pipeline.config import Settings
from pipeline.consumers import deal_events_worker, enrolment_events_worker, reward_events_worker
from pipeline.dashboard import router as dashboard_router
from servicekit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    app = create_service_app(
        settings=settings or Settings(),
        title="pipeline",
        description="Partner plans, pipeline policies, pipeline-to-plan figures and rollups.",
        routers=[router, scorecard_router, dashboard_router],
        workers={
            "deal-events": deal_events_worker,
            "enrolment-events": enrolment_events_worker,
            "reward-events": reward_events_worker,
        },
    )
    # The routes' store, on the request's session (api/dependencies.py).
    app.state.store = PgPipelineStore
    app.state.scorecard_store = PgScorecardStore
    return app
