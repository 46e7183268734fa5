"""The four services as processes for e2e and reliability runs: their databases made and migrated,
their topics created, started, and stopped again."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from pathlib import Path

from devstack.infra import SERVICES, Infra, create_databases, create_topics, migrate
from devstack.processes import Stack


def prepared_stack(
    infra: Infra,
    database_prefix: str,
    *,
    topic_prefix: str,
    log_dir: Path,
    ports: dict[str, int],
    extra_env: dict[str, str],
) -> Stack:
    """A Stack (not started) on fresh databases `<database_prefix><service>`, migrated, and the
    topics under `topic_prefix`."""
    databases = {s: f"{database_prefix}{s}" for s in SERVICES}
    asyncio.run(create_databases(infra, list(databases.values())))
    for service, db in databases.items():
        migrate(service, infra.database_url(db))
    asyncio.run(create_topics(infra, topic_prefix))
    return Stack(infra, databases, log_dir, topic_prefix=topic_prefix, ports=ports, extra_env=extra_env)


@contextlib.contextmanager
def running(stack: Stack, ready_timeout: float = 90) -> Iterator[Stack]:
    """The stack started and ready; stopped on leaving (also when it fails to get ready)."""
    try:
        stack.start()
        stack.wait_ready(ready_timeout)
        yield stack
    finally:
        stack.stop()
