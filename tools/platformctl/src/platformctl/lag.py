"""`platformctl consumer lag`: per consumer group and partition, committed offset against the end.

The committed offsets come from the group coordinator (the admin API), the ends from the
partitions' leaders (read_committed, as the services consume); nothing joins a group.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from events.kafka import admin_client, client_options
from platformctl.config import Connections


async def consumer_lag(conns: Connections, group_filter: str | None = None) -> list[dict[str, Any]]:
    """One row per (group, topic, partition) of the groups under KAFKA_TOPIC_PREFIX."""
    admin = admin_client(conns.bootstrap_servers, "platformctl-lag", conns.security)
    await admin.start()
    try:
        groups = sorted(
            str(g[0])
            for g in await admin.list_consumer_groups()
            if str(g[0]).startswith(conns.topic_prefix) and (group_filter is None or group_filter in str(g[0]))
        )
        committed: dict[str, dict[TopicPartition, int]] = {}
        for group in groups:
            offsets = await admin.list_consumer_group_offsets(group)
            kept = {tp: meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
            if kept:
                committed[group] = kept
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    # A deleted topic's offsets stay with the group: shown without an end rather than waited for.
    tps = sorted({tp for offsets in committed.values() for tp in offsets if tp.topic in existing})
    ends = await _end_offsets(conns, tps) if tps else {}
    rows = []
    for group, offsets in committed.items():
        for tp in sorted(offsets):
            end = ends.get(tp)
            rows.append(
                {
                    "group": group,
                    "topic": tp.topic,
                    "partition": tp.partition,
                    "committed": offsets[tp],
                    "end": end,
                    "lag": max(end - offsets[tp], 0) if end is not None else None,
                }
            )
    return rows


async def _end_offsets(conns: Connections, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
    consumer = AIOKafkaConsumer(
        **client_options(conns.security),
        bootstrap_servers=conns.bootstrap_servers,
        group_id=None,
        client_id="platformctl-lag",
        enable_auto_commit=False,
        isolation_level="read_committed",
    )
    await consumer.start()
    try:
        ends: dict[TopicPartition, int] = await consumer.end_offsets(tps)
        return ends
    finally:
        await consumer.stop()
