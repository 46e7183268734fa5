"""notifications's settings (environment variables; see the README's configuration table)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "notifications"
    port: int = 8004
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/notifications"
