"""A private platform for the reliability suite: its own PostgreSQL, Kafka and four services.

The fault tests stop and restart PostgreSQL and Kafka, so they must never touch the servers
other test runs share (55432, 9092): this suite starts its own on 55433 and 19093, and the
services on 28001-28004, and stops all of them at the end of the session.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import pytest
from rel_infra import KAFKA_PORT, PG_PORT, PrivateInfra, drop_run_databases, private_stack

from devstack.infra import local_kafka_infra
from devstack.processes import Stack
from support.stacks import running


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "/reliability/" in str(item.fspath):
            item.add_marker(pytest.mark.infra)


@pytest.fixture(scope="session")
def private_infra() -> Iterator[PrivateInfra]:
    servers = PrivateInfra(local_kafka_infra(f"postgresql+asyncpg://platform:platform@127.0.0.1:{PG_PORT}", KAFKA_PORT))
    servers.postgres("start")
    servers.kafka("start")
    # The tests' own Kafka clients (support.kafka, raw aiokafka) authenticate as admin.
    os.environ.update(servers.infra.kafka_env("admin"))
    try:
        yield servers
    finally:
        servers.kafka("stop")
        servers.postgres("stop")


@pytest.fixture(scope="session")
def rel_stack(private_infra: PrivateInfra) -> Iterator[Stack]:
    """The four services as processes on 28001-28004 against the private servers."""
    stack = private_stack(private_infra.infra)
    try:
        with running(stack):
            yield stack
    finally:
        asyncio.run(drop_run_databases(private_infra.infra))
