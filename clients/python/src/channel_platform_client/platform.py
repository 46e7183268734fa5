"""The four services' authenticated clients from one token."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from channel_platform_client.generated.dealreg.client import AuthenticatedClient as DealregClient
from channel_platform_client.generated.incentives.client import AuthenticatedClient as IncentivesClient
from channel_platform_client.generated.notifications.client import AuthenticatedClient as NotificationsClient
from channel_platform_client.generated.pipeline.client import AuthenticatedClient as PipelineClient

# `make run`'s addresses.
LOCAL = {
    "dealreg": "http://127.0.0.1:8001",
    "incentives": "http://127.0.0.1:8002",
    "pipeline": "http://127.0.0.1:8003",
    "notifications": "http://127.0.0.1:8004",
}


@dataclass
class Platform:
    """`Platform(token, urls)`: `.dealreg`, `.incentives`, `.pipeline`, `.notifications` clients.

    `urls` maps a service to its base URL (default: `make run`'s); `timeout` is in seconds.
    Close it (or use it as a context manager) to release the connections.
    """

    token: str
    urls: dict[str, str] = field(default_factory=lambda: dict(LOCAL))
    timeout: float = 30.0

    def __post_init__(self) -> None:
        import httpx

        options: dict[str, Any] = {"token": self.token, "timeout": httpx.Timeout(self.timeout)}
        self.dealreg = DealregClient(base_url=self.urls["dealreg"], **options)
        self.incentives = IncentivesClient(base_url=self.urls["incentives"], **options)
        self.pipeline = PipelineClient(base_url=self.urls["pipeline"], **options)
        self.notifications = NotificationsClient(base_url=self.urls["notifications"], **options)

    def close(self) -> None:
        for client in (self.dealreg, self.incentives, self.pipeline, self.notifications):
            client.get_httpx_client().close()

    def __enter__(self) -> Platform:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
