"""Where platformctl connects: the same environment variables as the services.

KAFKA_BOOTSTRAP_SERVERS, KAFKA_SECURITY_PROTOCOL, KAFKA_USERNAME, KAFKA_PASSWORD, ... and
KAFKA_TOPIC_PREFIX as every service reads them (events.kafka.KafkaSecurity.from_env). Each
service's database: `<SERVICE>_DATABASE_URL` (say DEALREG_DATABASE_URL), else the server of
DATABASE_URL with the database named after the service (what `make run` creates).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from events.kafka import KafkaSecurity

SERVICES = ("dealreg", "incentives", "pipeline", "notifications")
DEFAULT_SERVER = "postgresql://platform:platform@127.0.0.1:55432"


@dataclass(frozen=True)
class Connections:
    bootstrap_servers: str
    security: KafkaSecurity = field(repr=False)
    topic_prefix: str
    database_urls: dict[str, str] = field(repr=False)

    @classmethod
    def from_env(cls) -> Connections:
        server = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
        return cls(
            bootstrap_servers=os.environ.get("KAFKA_BOOTSTRAP_SERVERS") or "127.0.0.1:9092",
            security=KafkaSecurity.from_env(),
            topic_prefix=os.environ.get("KAFKA_TOPIC_PREFIX", ""),
            database_urls={
                s: os.environ.get(f"{s.upper()}_DATABASE_URL") or _with_database(server, s) for s in SERVICES
            },
        )

    def topic(self, name: str) -> str:
        """A topic as named by the services: under KAFKA_TOPIC_PREFIX unless given with it."""
        return name if name.startswith(self.topic_prefix) else f"{self.topic_prefix}{name}"

    def dsn(self, service: str) -> str:
        """The service's database for asyncpg (which takes no `+asyncpg` driver suffix)."""
        return self.database_urls[service].replace("postgresql+asyncpg://", "postgresql://", 1)

    def sqlalchemy_url(self, service: str) -> str:
        return self.dsn(service).replace("postgresql://", "postgresql+asyncpg://", 1)


def _with_database(server_url: str, database: str) -> str:
    parts = urlsplit(server_url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{database}", parts.query, ""))
