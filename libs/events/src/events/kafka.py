"""aiokafka glue: producer and consumer settings, authentication, topic creation, broker reachability."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.helpers import create_ssl_context

from events.retrying import STARTUP_PATIENCE, TOPICS, retrying

# How long topic creation waits for a broker that is starting.
TOPIC_PATIENCE = STARTUP_PATIENCE


@dataclass(frozen=True)
class KafkaSecurity:
    """How a client authenticates to the brokers (PLAINTEXT: not at all, the old default).

    Production uses SASL_SSL with SCRAM-SHA-512 and the cluster's CA (`ssl_cafile`); the
    local broker SASL_PLAINTEXT with SCRAM-SHA-512 and one user per service.
    """

    protocol: str = "PLAINTEXT"  # PLAINTEXT | SASL_PLAINTEXT | SASL_SSL | SSL
    mechanism: str = "SCRAM-SHA-512"
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssl_cafile: str | None = None

    @classmethod
    def from_env(cls) -> KafkaSecurity:
        """KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_USERNAME, KAFKA_PASSWORD, KAFKA_SSL_CAFILE."""
        return cls(
            protocol=os.environ.get("KAFKA_SECURITY_PROTOCOL") or "PLAINTEXT",
            mechanism=os.environ.get("KAFKA_SASL_MECHANISM") or "SCRAM-SHA-512",
            username=os.environ.get("KAFKA_USERNAME") or None,
            password=os.environ.get("KAFKA_PASSWORD") or None,
            ssl_cafile=os.environ.get("KAFKA_SSL_CAFILE") or None,
        )

    def client_options(self) -> dict[str, Any]:
        """The keyword arguments every aiokafka client (producer, consumer, admin) takes."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.protocol.startswith("SASL_"):
            if not self.username or not self.password:
                raise ValueError(f"{self.protocol} needs KAFKA_USERNAME and KAFKA_PASSWORD")
            options.update(
                sasl_mechanism=self.mechanism, sasl_plain_username=self.username, sasl_plain_password=self.password
            )
        if self.protocol.endswith("SSL"):
            options["ssl_context"] = create_ssl_context(cafile=self.ssl_cafile)
        return options


def client_options(security: KafkaSecurity | None = None) -> dict[str, Any]:
    """Authentication options for a client; without `security`, from the environment (KAFKA_*)."""
    return (security or KafkaSecurity.from_env()).client_options()


def admin_client(bootstrap_servers: str, client_id: str, security: KafkaSecurity | None = None) -> AIOKafkaAdminClient:
    return AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, client_id=client_id, **client_options(security))


def idempotent_producer(
    bootstrap_servers: str, client_id: str, *, security: KafkaSecurity | None = None, **overrides: Any
) -> AIOKafkaProducer:
    """acks=all + idempotence: a retried send never duplicates or reorders within a partition."""
    settings: dict[str, Any] = {
        **client_options(security),
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
    topics: list[str],
    bootstrap_servers: str,
    group_id: str,
    client_id: str,
    *,
    security: KafkaSecurity | None = None,
    **overrides: Any,
) -> AIOKafkaConsumer:
    """Offsets are committed by us, after the database commit, never automatically."""
    settings: dict[str, Any] = {
        **client_options(security),
        "bootstrap_servers": bootstrap_servers,
        "group_id": group_id,
        "client_id": client_id,
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "isolation_level": "read_committed",
        "max_poll_records": 500,
        # The broker answers a fetch as soon as a record is there; this only bounds an idle fetch.
        # aiokafka's 500 ms default made every idle consumer a broker request twice a second.
        "fetch_max_wait_ms": 5_000,
        "session_timeout_ms": 10_000,
        "heartbeat_interval_ms": 2_000,
        "request_timeout_ms": 20_000,
        "retry_backoff_ms": 200,
    }
    settings.update(overrides)
    return AIOKafkaConsumer(*topics, **settings)


async def ensure_topics(
    bootstrap_servers: str,
    topics: dict[str, int],
    security: KafkaSecurity | None = None,
    give_up_after: float = TOPIC_PATIENCE,
) -> None:
    """Create the topics that do not exist yet (replication factor 1 locally).

    A broker that is still starting (or briefly away) is waited for, with backoff and jitter,
    for up to ``give_up_after`` seconds; then the last error is raised.
    """
    await retrying(TOPICS, what="topic creation", give_up_after=give_up_after)(
        _create_missing, bootstrap_servers, topics, security
    )


async def _create_missing(bootstrap_servers: str, topics: dict[str, int], security: KafkaSecurity | None) -> None:
    admin = admin_client(bootstrap_servers, "topic-setup", security)
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


async def topic_partitions(
    bootstrap_servers: str, topic: str, client_id: str, security: KafkaSecurity | None = None
) -> list[int]:
    """The partition ids of `topic`, sorted; RuntimeError if it does not exist."""
    admin = admin_client(bootstrap_servers, client_id, security)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    partitions = [p["partition"] for t in described if t["topic"] == topic for p in t["partitions"]]
    if not partitions:
        raise RuntimeError(f"topic {topic} has no partitions (does it exist?)")
    return sorted(partitions)


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
