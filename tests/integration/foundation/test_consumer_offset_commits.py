"""Offsets are committed in bulk (at most once a second while records flow), yet a consumer that
goes quiet or stops has committed everything it applied: a restart re-reads nothing."""

from __future__ import annotations

from typing import Any

from events.metrics import EVENTS_PROCESSED
from support.events import deal_data, deal_event
from support.kafka import eventually, group_offsets, produce
from support.scenario import create_program


async def _committed(bootstrap: str, group: str, topic: str) -> int:
    """The group's committed offsets on `topic`, summed over partitions (records it will not re-read)."""
    return sum(offset for offset in (await group_offsets(bootstrap, group, topic)).values() if offset > 0)


def _count(name: str, outcome: str) -> Any:
    return EVENTS_PROCESSED.labels(name, "deal-registered", outcome)


async def test_offsets_catch_up_when_quiet_and_a_restart_re_reads_nothing(
    service_client: Any, make_db: Any, token: Any, infra: Any, topic_prefix: str
) -> None:
    admin = token("admin", sub="ops")
    topic = topic_prefix + "deals.v1"
    group = topic_prefix + "incentives"
    database_url = await make_db("incentives")
    applied, duplicates = _count("incentives", "applied"), _count("incentives", "duplicate")
    events = [deal_event("deal-registered", deal_data(rep_id=f"rep-oc-{n}", tier=3)) for n in range(30)]

    async with service_client("incentives", database_url=database_url) as (incentives, _):
        await create_program(incentives, admin)
        applied_before = applied._value.get()
        for event in events[:20]:
            await produce(infra.kafka_bootstrap, topic, event.to_json(), key=event.subject.encode())
        await eventually(lambda: applied._value.get() >= applied_before + 20, timeout=30)
        # Quiet now: the next empty poll commits what was applied.
        assert await eventually(lambda: _committed_is(infra.kafka_bootstrap, group, topic, 20), timeout=10)
        for event in events[20:]:
            await produce(infra.kafka_bootstrap, topic, event.to_json(), key=event.subject.encode())
        await eventually(lambda: applied._value.get() >= applied_before + 30, timeout=30)
    # Stopped straight after applying: the stop committed the last records.
    assert await _committed(infra.kafka_bootstrap, group, topic) == 30

    duplicates_before = duplicates._value.get()
    async with service_client("incentives", database_url=database_url):
        extra = deal_event("deal-registered", deal_data(rep_id="rep-oc-extra", tier=3))
        await produce(infra.kafka_bootstrap, topic, extra.to_json(), key=extra.subject.encode())
        await eventually(lambda: applied._value.get() >= applied_before + 31, timeout=30)
    assert duplicates._value.get() == duplicates_before, "the restarted consumer re-read applied records"


async def _committed_is(bootstrap: str, group: str, topic: str, expected: int) -> bool:
    return await _committed(bootstrap, group, topic) == expected
