"""A throwaway database and topic set for one service: what the focused bench scripts run on."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from devstack.infra import Infra, create_databases, create_topics, delete_topics, drop_databases, ensure_infra, migrate


@dataclass(frozen=True)
class Scratch:
    infra: Infra
    run: str  # a unique tag of this run
    url: str  # the service's database
    prefix: str  # the topics' prefix


@asynccontextmanager
async def scratch(service: str, tag: str) -> AsyncIterator[Scratch]:
    """A migrated database for `service` and fresh topics, dropped and deleted afterwards."""
    infra = ensure_infra()
    # A developer's stack (devstack's Stack.env_for): the development token secret and webhook key.
    os.environ.setdefault("ENVIRONMENT", "development")
    os.environ.update(infra.kafka_env("admin"))  # the bench's own clients: admin
    run = f"{tag}{uuid.uuid4().hex[:6]}"
    db = f"{run}_{service}"
    await create_databases(infra, [db])
    url = infra.database_url(db)
    await asyncio.to_thread(migrate, service, url)
    prefix = f"{run}."
    await create_topics(infra, prefix)
    try:
        yield Scratch(infra, run, url, prefix)
    finally:
        await drop_databases(infra, [db])
        await delete_topics(infra, prefix)
