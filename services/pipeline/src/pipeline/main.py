"""pipeline: Partner plans, pipeline policies, pipeline-to-plan figures and rollups."""

from __future__ import annotations

from fastapi import FastAPI
from servicekit.app import create_service_app

from pipeline.api.routes import router
from pipeline.config import Settings


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        title="pipeline",
        description="Partner plans, pipeline policies, pipeline-to-plan figures and rollups.",
        routers=[router],
    )
