"""pipeline's settings (environment variables; see the README's configuration table)."""

from __future__ import annotations

from servicekit.settings import ServiceSettings


class Settings(ServiceSettings):
    service_name: str = "pipeline"
    port: int = 8003
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/pipeline"
    # Each batch refreshes a partner's figures once, so fuller batches under load cost far less CPU;
    # the figures are at most this much later.
    consumer_batch_wait_ms: int = 200
