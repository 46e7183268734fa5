"""aiokafka glue: producer and consumer settings, topic creation, broker reachability."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from events.retrying import STARTUP_PATIENCE, TOPICS, retrying

# How long topic creation waits for a broker that is starting.
TOPIC_PATIENCE = STARTUP_PATIENCE


def idempotent_producer(bootstrap_servers: str, client_id: str, **overrides: Any) -> AIOKafkaProducer:
    """acks=all + idempotence: a retried send never duplicates or reorders within a partition."""
    settings: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "client_id": client_id,
        "enable_idempotence": True,
        "acks": "all",
        # No linger: the relays already send a cycle's rows together, and records sent while a
        # request is in flight batch anyway; 2 ms of linger cost 2 ms per hop of a reward's path
        # and no throughput (`python -m bench --phases registration --concurrency 16`, 2 runs each).
        "linger_ms": 0,
        "request_timeout_ms": 10_000,
        "retry_backoff_ms": 200,
        "max_batch_size": 256 * 1024,
    }
    settings.update(overrides)
    return AIOKafkaProducer(**settings)


def manual_commit_consumer(
    topics: list[str], bootstrap_servers: str, group_id: str, client_id: str, **overrides: Any
) -> AIOKafkaConsumer:
    """Offsets are committed by us, after the database commit, never automatically."""
    settings: dict[str, Any] = {
        "bootstrap_servers": bootstrap_servers,
        "group_id": group_id,
        "client_id": client_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 2_000,
        "request_timeout_ms": 20_000,
        "retry_backoff_ms": 200,
    }
    settings.update(overrides)
    return AIOKafkaConsumer(*topics, **settings)


async def ensure_topics(bootstrap_servers: str, topics: dict[str, int], give_up_after: float = TOPIC_PATIENCE) -> None:
    """Create the topics that do not exist yet (replication factor 1 locally).

    A broker that is still starting (or briefly away) is waited for, with backoff and jitter,
    for up to ``give_up_after`` seconds; then the last error is raised.
    """
    await retrying(TOPICS, what="topic creation", give_up_after=give_up_after)(
        _create_missing, bootstrap_servers, topics
    )


async def _create_missing(bootstrap_servers: str, topics: dict[str, int]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id="topic-setup")
    try:
        await admin.start()
        existing = set(await admin.list_topics())
        missing = [
            NewTopic(name=t, num_partitions=p, replication_factor=1) for t, p in topics.items() if t not in existing
        ]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(missing)
    finally:
        with contextlib.suppress(Exception):
            await admin.close()


async def broker_reachable(bootstrap_servers: str, timeout: float = 1.0) -> bool:
    """True if any bootstrap server accepts a TCP connection (cheap readiness probe)."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        try:
            async with asyncio.timeout(timeout):
                _, writer = await asyncio.open_connection(host or "127.0.0.1", int(port))
        except (OSError, TimeoutError, ValueError):
            continue
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return True
    return False
