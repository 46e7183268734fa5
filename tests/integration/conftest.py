"""The integration suite's servers, databases, topics and in-process services.

The servers (the `infra` fixture, overriding the root conftest's for this suite): those given by
DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS; else PostgreSQL and Kafka containers that testcontainers
starts for this session and removes at its end (devstack.containers), when a Docker-compatible
engine answers; else the local processes of infra/postgres.sh and infra/kafka.sh.

Each integration test gets its own topics, so its own consumer groups.

A test's in-process app then reads only that test's events from offset zero, and nothing an
earlier test left in a shared group (a member still leaving, committed offsets, a backlog of
other tests' events) can hold back or hide them. Creating a test's topics takes about 40 ms;
they are deleted afterwards so the broker does not collect thousands of partitions. The
in-process services use the admin user, so a test's topics need no per-service ACLs
(foundation/test_kafka_acls.py grants and tests them).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest


@pytest.fixture(scope="session")
def infra() -> Iterator[Any]:
    from devstack.containers import integration_infra

    with integration_infra() as found:
        # The tests' own Kafka clients (feeding events, reading topics, consumers and relays built
        # in a test) authenticate as admin: events.kafka reads KAFKA_* when given no security.
        os.environ.update(found.kafka_env("admin"))
        yield found


@pytest.fixture
async def topic_prefix(infra: Any, run_id: str) -> AsyncIterator[str]:
    from devstack.infra import create_topics, delete_topics

    prefix = f"{run_id}.{uuid.uuid4().hex[:6]}."
    await create_topics(infra, prefix, acls=False)
    yield prefix
    with contextlib.suppress(Exception):  # tidiness only: a leftover topic harms no other test
        await delete_topics(infra, prefix)


@pytest.fixture(scope="session")
async def make_db(infra: Any, run_id: str) -> AsyncIterator[Callable[..., Any]]:
    """`url = await make_db("dealreg")`: a fresh, migrated database for that service."""
    from devstack.infra import create_databases, drop_databases, migrate

    created: list[str] = []

    async def _make(service: str, suffix: str = "") -> str:
        name = f"{run_id}_{service}{suffix}_{len(created)}"
        await create_databases(infra, [name])
        created.append(name)
        url = infra.database_url(name)
        await asyncio.to_thread(migrate, service, url)
        return str(url)

    yield _make
    if os.environ.get("KEEP_TEST_DATABASES") != "1":
        await drop_databases(infra, created)


@pytest.fixture
async def service_client(
    infra: Any, make_db: Callable[..., Any], topic_prefix: str
) -> AsyncIterator[Callable[..., Any]]:
    """In-process service against the real database and Kafka, with its workers running.

    `async with service_client("incentives") as (client, app): ...`
    Pass `database_url=` to share a database between two instances.
    """
    import importlib

    @contextlib.asynccontextmanager
    async def _client(service: str, **overrides: Any) -> AsyncIterator[tuple[httpx.AsyncClient, Any]]:
        config = importlib.import_module(f"{service}.config")
        main = importlib.import_module(f"{service}.main")
        database_url = overrides.pop("database_url", None) or await make_db(service)
        overrides.setdefault("kafka_bootstrap_servers", infra.kafka_bootstrap)
        # In-process services use admin: a test's own topics then need no ACLs (the broker takes
        # about half a second to apply new ones). Their own users are tested with the ACLs in
        # foundation/test_kafka_acls.py, e2e and reliability.
        for key, value in infra.kafka_env(overrides.pop("kafka_user", "admin")).items():
            overrides.setdefault(key.lower(), value)
        overrides.setdefault("kafka_topic_prefix", topic_prefix)
        overrides.setdefault("outbox_poll_interval", 0.2)
        settings = config.Settings(database_url=database_url, **overrides)
        app = main.create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
                yield client, app

    yield _client
