"""`python -m platformctl` against the real PostgreSQL and Kafka, as ops run it: the services'
environment variables, its output and exit status (a real process for the replay; the other
commands run the same entry point in the test's process, to save a second of start-up each)."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from events.batching import BatchItem
from events.consumer import IdempotentConsumer, PoisonEvent
from events.kafka import client_options
from events.metrics import EVENTS_PROCESSED
from platformctl.__main__ import amain
from support.events import deal_data, deal_event
from support.kafka import eventually, produce, read_topic

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def environment(infra: Any, prefix: str, **env: str) -> dict[str, str]:
    """The services' variables, as ops would export them (admin: replays write a service's topic)."""
    return {
        "KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        **infra.kafka_env("admin"),
        "KAFKA_TOPIC_PREFIX": prefix,
        **env,
    }


async def ctl(infra: Any, prefix: str, *args: str, **env: str) -> Result:
    """`python -m platformctl ...` in this process (its start-up costs seconds); `ctl_process` runs it for real."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in environment(infra, prefix, **env).items():
            patch.setenv(name, value)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = await amain(list(args))
    return Result(code, stdout.getvalue(), stderr.getvalue())


async def ctl_process(infra: Any, prefix: str, *args: str, **env: str) -> Result:
    out = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "platformctl", *args],
        env={**os.environ, **environment(infra, prefix, **env)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    return Result(out.returncode, out.stdout, out.stderr)


def ok(result: Result) -> Result:
    assert result.returncode == 0, f"rc={result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    return result


async def test_dlq_list_show_and_replay_once_fixed_applies_the_event_once(infra, make_db, topic_prefix, tmp_path):
    deals = topic_prefix + "deals.v1"
    broken = True  # the bug, until "deployed" below
    applied: list[str] = []

    async def handler(session: Any, items: Sequence[BatchItem]) -> None:
        if broken:
            raise PoisonEvent("rule 7 cannot read this deal")
        applied.extend(item.event.id for item in items)

    engine = create_async_engine(await make_db("incentives"))
    consumer = IdempotentConsumer(
        name="ops-test",
        topics=[deals],
        group_id=topic_prefix + "ops-test",
        bootstrap_servers=infra.kafka_bootstrap,
        session_factory=async_sessionmaker(engine, expire_on_commit=False),
        event_types={"deal-registered"},
        handler=handler,
    )
    duplicates = EVENTS_PROCESSED.labels("ops-test", "deal-registered", "duplicate")
    seen = duplicates._value.get()
    running = asyncio.create_task(consumer.run())
    try:
        event = deal_event("deal-registered", deal_data())
        headers = [("content-type", b"application/cloudevents+json"), ("traceparent", TRACEPARENT.encode())]
        await produce(infra.kafka_bootstrap, deals, event.to_json(), key=event.subject.encode(), headers=headers)
        await read_topic(infra.kafka_bootstrap, deals + ".dlq", until=lambda rs: len(rs) == 1, timeout=60)

        listed = json.loads(ok(await ctl(infra, topic_prefix, "--json", "dlq", "list", "deals.v1")).stdout)
        (item,) = listed["items"]
        assert listed["next_after"] is None
        assert item["event_id"] == event.id and item["event_type"] == "deal-registered"
        assert item["consumer"] == "ops-test" and item["key"] == event.subject
        assert "PoisonEvent: rule 7 cannot read this deal" in item["reason"]
        table = ok(await ctl(infra, topic_prefix, "dlq", "list", "deals.v1")).stdout
        assert item["position"] in table and event.id in table and "no more" in table

        shown = json.loads(ok(await ctl(infra, topic_prefix, "dlq", "show", "deals.v1", item["position"])).stdout)
        assert shown["event"]["id"] == event.id and shown["headers"]["traceparent"] == TRACEPARENT
        assert shown["original_topic"] == deals

        broken = False  # the fix is deployed: replay, twice (an operator's retry)
        audit = tmp_path / "audit.log"
        replay = ("dlq", "replay", "deals.v1", item["position"], "--operator", "alice")
        for run in (ctl_process, ctl):  # the real command once, then an operator's retry
            out = ok(await run(infra, topic_prefix, *replay, PLATFORMCTL_AUDIT_LOG=str(audit)))
            assert f"replayed {deals}.dlq {item['position']} -> {deals} " in out.stdout and "by alice" in out.stdout
            if run is ctl_process:
                assert '"action": "dlq-replay"' in out.stderr  # the JSON audit line is logged too
        entries = [json.loads(line) for line in audit.read_text().splitlines()]
        assert [(e["operator"], e["dlq_position"], e["event_id"]) for e in entries] == [
            ("alice", item["position"], event.id)
        ] * 2

        # The original and two copies, all with the original key, value and headers (no dlq-* ones).
        records = await read_topic(infra.kafka_bootstrap, deals, until=lambda rs: len(rs) == 3, timeout=30)
        assert len(records) == 3
        for copy in records:
            assert copy.key == event.subject.encode() and copy.value == event.to_json()
            assert list(copy.headers) == headers
        await eventually(lambda: duplicates._value.get() >= seen + 1, timeout=30)  # both copies consumed
        assert applied == [event.id]  # the second copy was skipped
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
        await engine.dispose()


async def test_dlq_list_pages_and_bad_positions_fail(infra, topic_prefix):
    dlq = topic_prefix + "deals.v1.dlq"
    for i in range(3):
        await produce(infra.kafka_bootstrap, dlq, b"{not json", key=f"k{i}".encode(), headers=[("dlq-reason", b"x")])
    first = json.loads(ok(await ctl(infra, topic_prefix, "--json", "dlq", "list", "deals.v1", "--limit", "2")).stdout)
    assert len(first["items"]) == 2 and first["next_after"] == first["items"][-1]["position"]
    rest = json.loads(
        ok(await ctl(infra, topic_prefix, "--json", "dlq", "list", "deals.v1", "--after", first["next_after"])).stdout
    )
    assert len(rest["items"]) == 1 and rest["next_after"] is None
    keys = {i["key"] for i in first["items"] + rest["items"]}
    assert keys == {"k0", "k1", "k2"}

    missing = await ctl(infra, topic_prefix, "dlq", "show", "deals.v1", "0:999")
    assert missing.returncode == 1 and "has no record at 0:999" in missing.stderr
    nothing_named = await ctl(infra, topic_prefix, "dlq", "replay", "deals.v1")
    assert nothing_named.returncode == 2
    bad = await ctl(infra, topic_prefix, "dlq", "show", "deals.v1", "zero")
    assert bad.returncode == 2 and "partition:offset" in bad.stderr


async def test_outbox_status_counts_unsent_rows_and_their_age(infra, make_db, topic_prefix):
    url = await make_db("dealreg")
    con = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        insert = (
            "INSERT INTO outbox (event_id, topic, key, payload, created_at, sent_at) "
            "VALUES ($1, 'deals.v1', 'k', '\\x7b7d', now() - $2::interval, $3)"
        )
        await con.execute(insert, str(uuid.uuid4()), timedelta(seconds=90), None)
        await con.execute(insert, str(uuid.uuid4()), timedelta(seconds=10), None)
        await con.execute(
            insert, str(uuid.uuid4()), timedelta(hours=1), datetime(2026, 1, 1, tzinfo=UTC)
        )  # sent: not counted
    finally:
        await con.close()
    unreachable = "postgresql://platform:platform@127.0.0.1:9/nowhere"
    result = await ctl(
        infra,
        topic_prefix,
        "--json",
        "outbox",
        "status",
        "--service",
        "dealreg",
        "--service",
        "pipeline",
        DEALREG_DATABASE_URL=url,
        PIPELINE_DATABASE_URL=unreachable,
    )
    assert result.returncode == 1  # one database could not be asked
    rows = {r["service"]: r for r in json.loads(result.stdout)}
    assert rows["dealreg"]["unsent"] == 2 and 90 <= rows["dealreg"]["oldest_unsent_age_seconds"] < 200
    assert rows["dealreg"]["error"] is None
    assert rows["pipeline"]["unsent"] is None and rows["pipeline"]["error"]
    assert "platform:platform" not in result.stdout + result.stderr  # no password printed


async def test_consumer_lag_is_the_distance_from_committed_to_end(infra, topic_prefix):
    deals = topic_prefix + "deals.v1"
    group = topic_prefix + "lag-test"
    for _ in range(5):
        await produce(infra.kafka_bootstrap, deals, b"{}", key=b"same-key")  # one key: one partition
    records = await read_topic(infra.kafka_bootstrap, deals, until=lambda rs: len(rs) == 5)
    partition = records[0].partition
    member = AIOKafkaConsumer(
        deals, **client_options(), bootstrap_servers=infra.kafka_bootstrap, group_id=group, enable_auto_commit=False
    )
    await member.start()
    try:
        await member.commit({TopicPartition(deals, partition): 2})
    finally:
        await member.stop()

    rows = json.loads(ok(await ctl(infra, topic_prefix, "--json", "consumer", "lag", "--group", "lag-test")).stdout)
    assert rows == [{"group": group, "topic": deals, "partition": partition, "committed": 2, "end": 5, "lag": 3}]
    table = ok(await ctl(infra, topic_prefix, "consumer", "lag")).stdout
    assert group in table and "LAG" in table


async def test_pipeline_rebuild_reads_the_topics_with_progress(infra, make_db, topic_prefix):
    deals = topic_prefix + "deals.v1"
    url = await make_db("pipeline")
    ids = []
    for _ in range(3):
        data = deal_data(vendor_id="rebuild-v", partner_id="p-rebuild")
        ids.append(data["id"])
        event = deal_event("deal-registered", data)
        await produce(infra.kafka_bootstrap, deals, event.to_json(), key=event.subject.encode())

    result = ok(await ctl(infra, topic_prefix, "pipeline", "rebuild", PIPELINE_DATABASE_URL=url))
    assert "rebuilt 3 deals" in result.stdout
    assert "reading deals.v1, partners.v1 [" in result.stderr and "100%" in result.stderr
    con = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        stored = await con.fetch("SELECT deal_id::text AS id FROM deals")
    finally:
        await con.close()
    assert sorted(r["id"] for r in stored) == sorted(ids)
