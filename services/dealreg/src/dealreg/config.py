"""dealreg's settings (environment variables; see the README's configuration table)."""

from __future__ import annotations

from datetime import timedelta

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "dealreg"
    port: int = 8001
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/dealreg"
    # How often the scheduler looks for overdue approvals and lapsed protection (ISO 8601).
    scheduler_interval: timedelta = timedelta(seconds=30)
