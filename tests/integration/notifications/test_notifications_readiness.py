"""/readyz means "the API can serve" (contract v1.1): 503 only without the database.

Kafka unreachable is 200 with "kafka": "unavailable" and "degraded": true (and the
kafka_available gauge at 0); an answer is kept for a second; Kafka is asked over one kept
connection, not a new one per call. The service runs against the real PostgreSQL and Kafka;
Kafka is reached through a TCP relay in the test that can be cut and counts connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest


def closed_port() -> int:
    with socket.socket() as probe:  # free a moment ago, and nothing listens on it now
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


class KafkaRelay:
    """127.0.0.1:<port> -> the real broker; counts connections; `cut()` drops them all and stops listening."""

    def __init__(self, target: str) -> None:
        host, _, port = target.split(",")[0].rpartition(":")
        self._target = (host, int(port))
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.connections = 0
        self.port = 0

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        up_reader, up_writer = await asyncio.open_connection(*self._target)
        self._writers |= {writer, up_writer}

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.close()
        self._writers.clear()
        await self._server.wait_closed()


@pytest.fixture
async def relay(infra: Any) -> AsyncIterator[KafkaRelay]:
    relay = KafkaRelay(infra.kafka_bootstrap)
    await relay.start()
    yield relay
    with contextlib.suppress(Exception):
        await relay.cut()


async def ready(client: Any) -> tuple[int, dict[str, Any]]:
    resp = await client.get("/readyz")
    body: dict[str, Any] = resp.json()
    return resp.status_code, body


async def test_kafka_unreachable_is_200_degraded_with_the_gauge_at_zero(notifications: Any) -> None:
    async with notifications(kafka_bootstrap_servers=f"127.0.0.1:{closed_port()}") as (client, _):
        status, body = await ready(client)
        assert status == 200, body
        assert body["status"] == "ready"
        assert body["degraded"] is True
        assert body["kafka"] == "unavailable"
        assert body["database"] == "ok"
        metrics = (await client.get("/metrics")).text
        assert "kafka_available 0.0" in metrics
        # The API serves meanwhile: a subscription can be created and listed.
        assert (await client.get("/healthz")).status_code == 200


async def test_the_database_unreachable_is_503(notifications: Any) -> None:
    url = f"postgresql+asyncpg://platform:platform@127.0.0.1:{closed_port()}/notifications"
    async with notifications(database_url=url) as (client, _):
        status, body = await ready(client)
        assert status == 503, body
        assert body["status"] == "not ready"
        assert body["database"] == "unreachable"
        assert body["kafka"] == "ok"
        assert "database_available 0.0" in (await client.get("/metrics")).text


async def test_readiness_is_cached_for_a_second_and_follows_kafka_over_one_kept_connection(
    notifications: Any, relay: KafkaRelay
) -> None:
    # The service bootstraps through the relay; its consumer then talks to the broker's advertised
    # address, so after start-up only the readiness probe's connection goes through the relay.
    async with notifications(kafka_bootstrap_servers=f"127.0.0.1:{relay.port}") as (client, _):
        status, body = await ready(client)
        assert (status, body["kafka"], body["degraded"]) == (200, "ok", False)
        await asyncio.sleep(2)  # the consumer's own bootstrap is over
        opened = relay.connections

        for _ in range(3):  # probed again each time (past the cache), over the same connection
            await asyncio.sleep(1.05)
            status, body = await ready(client)
            assert (status, body["kafka"]) == (200, "ok")
        for _ in range(20):  # within the second: answered from the cache
            await ready(client)
        assert relay.connections == opened, "no new Kafka connection per readiness call"

        await relay.cut()  # Kafka goes away
        status, body = await ready(client)
        assert body["kafka"] == "ok", "the last answer is kept for a second"
        await asyncio.sleep(1.05)
        status, body = await ready(client)
        assert (status, body["kafka"], body["degraded"]) == (200, "unavailable", True)
        assert "kafka_available 0.0" in (await client.get("/metrics")).text

        await relay.start(relay.port)  # Kafka is back: the probe connects again
        await asyncio.sleep(1.05)
        status, body = await ready(client)
        assert (status, body["kafka"], body["degraded"]) == (200, "ok", False)
        assert "kafka_available 1.0" in (await client.get("/metrics")).text
