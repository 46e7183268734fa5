"""Fixtures for integration and e2e tests: the real PostgreSQL and Kafka, isolated per run.

Each test run gets its own databases (`<run>_<service>`) and its own topic prefix
(`<run>.deals.v1`), so runs can share one broker and one server without seeing each
other. Nothing here stands in for Kafka or PostgreSQL.

Which servers each suite gets (pytest's header says it): the e2e suite, the servers given by
DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS or else local processes (the `infra` fixture below: it
runs the services as processes); the integration suite, the same given servers or else
containers started by testcontainers (tests/integration/conftest.py overrides `infra`); the
reliability suite, always its own local processes (it stops and starts them).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RUN_ID = f"t{uuid.uuid4().hex[:8]}"
# The tests sign tokens with the development secret, which services accept only in development.
os.environ.setdefault("ENVIRONMENT", "development")
# In-process services serve one test's scripted callers, not the public: one generous limit for
# all (the per-role production defaults are tested in tests/unit/libs/test_libs_ratelimit_roles.py).
os.environ.setdefault("RATE_LIMIT_PER_MINUTE", "60000")
os.environ.setdefault("RATE_LIMIT_BURST", "1000")


def pytest_report_header(config: pytest.Config) -> list[str]:
    from devstack.containers import describe, integration_choice

    e2e = describe("given" if os.environ.get("DATABASE_URL") or os.environ.get("KAFKA_BOOTSTRAP_SERVERS") else "local")
    return [
        f"integration infrastructure: {describe(integration_choice())}",
        f"e2e infrastructure: {e2e}",
        "reliability infrastructure: its own local processes (PostgreSQL 55433, Kafka 19093)",
    ]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = str(item.fspath)
        if "/integration/" in path or "/e2e/" in path:
            item.add_marker(pytest.mark.infra)


@pytest.fixture(scope="session")
def infra() -> Any:
    """The e2e suite's servers: given by DATABASE_URL / KAFKA_BOOTSTRAP_SERVERS, else local processes."""
    from devstack.infra import ensure_infra

    found = ensure_infra()
    # The tests' own Kafka clients (feeding events, reading topics, consumers and relays built
    # in a test) authenticate as admin: events.kafka reads KAFKA_* when given no security.
    os.environ.update(found.kafka_env("admin"))
    return found


@pytest.fixture(scope="session")
def run_id() -> str:
    return RUN_ID


def auth(role: str, sub: str | None = None, **claims: Any) -> dict[str, str]:
    from devstack.tokens import dev_token

    return {"Authorization": f"Bearer {dev_token(role, sub=sub, **claims)}"}


@pytest.fixture
def token() -> Callable[..., dict[str, str]]:
    """`headers = token("partner", sub="rep-7", partner_id="p-100")`."""
    return auth


@pytest.fixture(scope="session")
def otlp_receiver() -> Any:
    """Every e2e service process exports its spans here (a real OTLP/HTTP endpoint)."""
    from support.receivers import OtlpReceiver

    receiver = OtlpReceiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture(scope="session")
def e2e_stack(infra: Any, run_id: str, otlp_receiver: Any) -> Any:
    """The four services as separate processes (ports 18001-18004), fresh databases and topics."""
    from devstack.infra import drop_databases
    from support.stacks import prepared_stack, running

    stack = prepared_stack(
        infra,
        f"{run_id}_e2e_",
        topic_prefix=f"{run_id}e2e.",
        log_dir=Path(__file__).resolve().parents[1] / ".cache" / "logs" / run_id,
        ports={"dealreg": 18001, "incentives": 18002, "pipeline": 18003, "notifications": 18004},
        extra_env={
            "WEBHOOK_ALLOW_PRIVATE": "1",
            "SCHEDULER_INTERVAL": "PT1S",
            "OUTBOX_POLL_INTERVAL": "0.2",
            "WEBHOOK_RETRY_SCHEDULE": "PT0.5S,PT1S,PT2S",
            # A killed process's leased attempts are retried once the lease runs out: 10 s here, not
            # production's 2 min, so a kill that lands mid-attempt is retried within the tests' waits.
            "WEBHOOK_TIMEOUT": "PT3S",
            "WEBHOOK_LEASE": "PT10S",
            "OTEL_EXPORTER_OTLP_ENDPOINT": otlp_receiver.endpoint,
            "OTEL_BSP_SCHEDULE_DELAY": "200",
        },
    )
    try:
        with running(stack):
            yield stack
    finally:
        if os.environ.get("KEEP_TEST_DATABASES") != "1":
            asyncio.run(drop_databases(infra, list(stack.databases.values())))
