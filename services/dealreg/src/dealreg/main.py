"""dealreg: partners, vendor approval policies, deal registrations and their lifecycle."""

from __future__ import annotations

from fastapi import FastAPI

from dealreg.api.routes import router
from dealreg.config import Settings
from dealreg.service.scheduler import scheduler_worker
from servicekit.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        settings=settings or Settings(),
        title="dealreg",
        description="Deal registration for channel partners: register, approve, progress and close deals.",
        routers=[router],
        workers={"scheduler": scheduler_worker},
        raw_pool=True,  # registration's hot path (adapters/registration_store.py)
    )
