"""pipeline's settings (environment variables; see the README's configuration table)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "pipeline"
    port: int = 8003
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/pipeline"
    # How long the broker may hold a fetch to fill it (FIGURES_BATCH_WAIT_MS). Each batch refreshes
    # a partner's figures once, reading all their deals of the quarter, so fuller batches under load
    # cost far less CPU; the figures are at most this much later. 0: answer every fetch at once.
    figures_batch_wait_ms: int = 200
