"""`python -m pipeline.rebuild`: rebuild the deal read model from deals.v1, from the beginning.

Events up to the end offsets seen at the start are folded in memory by a fresh consumer (its
own group id, nothing committed). The swap then happens in one transaction that blocks the
live consumer's writes to the read model (readers keep seeing the old rows until it commits),
catches up with what arrived meanwhile, and replaces every row. Events the live consumer
applies afterwards land on the rebuilt rows; their version guard makes that safe.

figure_totals (what figures are computed from) and partner_attributes (what rollups group by)
are recomputed from the rebuilt deals in the same transaction; at-risk flags are kept (they
record which pipeline-at-risk events were already sent) and no event is published.

Scorecards (facts, period totals, reward entries and totals) are replaced from the same deals
plus incentives.v1's reward entries, read alongside (service/scorecard_events.py).

The enrolment read model is restored from partners.v1 the same way, read alongside deals.v1:
each (partner, vendor)'s highest version is written where it is higher than the stored one
(enrolments are never withdrawn, so this equals a replacement for every row events made, and
keeps the rows the migration seeded from deal data for partners with no event yet).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from pydantic import ValidationError

from events.envelope import CloudEvent
from events.kafka import topic_partitions
from events.topics import PARTNER_EVENT_TYPES, TopicNames
from pipeline.adapters.scorecard_store import PgScorecardStore
from pipeline.adapters.store import PgReadModelStore
from pipeline.config import Settings
from pipeline.domain.enrolments import Enrolment
from pipeline.service.enrolments import enrolment_of
from pipeline.service.rebuild import replace_read_model
from pipeline.service.replay import Replay
from pipeline.service.scorecard_events import ScorecardReplay, replace_scorecards
from servicekit.db import make_engine


@dataclass(frozen=True)
class RebuildReport:
    events_read: int
    deals: int
    enrolments: int
    applied: int
    ignored: int
    rejected: int
    seconds: float

    def describe(self) -> str:
        return (
            f"rebuilt {self.deals} deals and {self.enrolments} enrolment events from {self.events_read} events "
            f"({self.applied} applied, {self.ignored} ignored, {self.rejected} rejected) in {self.seconds:.2f} s"
        )


@dataclass
class Sources:
    """What the rebuild folds: deals.v1 into `replay`, partners.v1 into `enrolments`."""

    deals_topic: str
    replay: Replay
    enrolments: list[Enrolment]
    incentives_topic: str = ""
    scorecards: ScorecardReplay = field(default_factory=ScorecardReplay)

    def fold(self, topic: str, event: CloudEvent) -> None:
        if topic == self.incentives_topic:
            if not self.scorecards.fold_reward(event):
                self.replay.ignored += 1
            return
        if topic != self.deals_topic:
            if event.type not in PARTNER_EVENT_TYPES:
                self.replay.ignored += 1
                return
            try:
                self.enrolments.append(enrolment_of(event))
            except (ValidationError, ValueError):
                self.replay.rejected += 1  # the live consumer dead-letters it too
            return
        rejected = self.replay.rejected
        self.replay.fold(event.type, event.data, event.time)
        if self.replay.rejected == rejected:  # the live consumer dead-letters what the replay rejects
            self.scorecards.fold_deal(event.type, event.data, event.time)


# Called with (offsets done, offsets to do) as the rebuild reads: `python -m platformctl pipeline rebuild`'s bar.
Progress = Callable[[int, int], None]


async def _read_until(
    consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int], sources: Sources, progress: Progress | None = None
) -> int:
    """Fold every record before `ends` (per partition); returns how many records were read."""
    replay = sources.replay
    read = 0
    starts = {tp: await consumer.position(tp) for tp in ends}
    total = sum(max(end - starts[tp], 0) for tp, end in ends.items())
    pending = {tp for tp, end in ends.items() if starts[tp] < end}
    while pending:
        batch = await consumer.getmany(*pending, timeout_ms=1000, max_records=5000)
        for tp, records in batch.items():
            for record in records:
                if record.offset >= ends[tp]:
                    break
                read += 1
                try:
                    event = CloudEvent.from_json(record.value or b"")
                except (ValidationError, ValueError):
                    replay.rejected += 1
                    continue
                sources.fold(tp.topic, event)
        # Transaction markers take offsets too: compare positions, not record counts.
        positions = {tp: await consumer.position(tp) for tp in ends}
        pending = {tp for tp in pending if positions[tp] < ends[tp]}
        if progress is not None:
            progress(sum(max(min(positions[tp], end) - starts[tp], 0) for tp, end in ends.items()), total)
    for tp, end in ends.items():
        # A fetch may run past the end: step back so the catch-up read gets those records.
        if await consumer.position(tp) > end:
            consumer.seek(tp, end)
    return read


async def rebuild(settings: Settings, progress: Progress | None = None) -> RebuildReport:
    """Rebuild the read model; `progress` hears how far the read from the beginning has got."""
    started = time.perf_counter()
    topics = TopicNames(settings.kafka_topic_prefix)
    consumer = AIOKafkaConsumer(
        **settings.kafka_security.client_options(),
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=topics.group(f"pipeline-rebuild-{uuid.uuid4().hex[:12]}"),
        client_id="pipeline-rebuild",
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_committed",
        max_partition_fetch_bytes=4 * 1024 * 1024,
    )
    engine = make_engine(settings)
    replay = Replay()
    sources = Sources(topics.deals, replay, [], topics.incentives)
    await consumer.start()
    try:
        tps = [
            TopicPartition(topic, p)
            for topic in (topics.deals, topics.partners, topics.incentives)
            for p in await topic_partitions(
                settings.kafka_bootstrap_servers, topic, "pipeline-rebuild", settings.kafka_security
            )
        ]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        read = await _read_until(consumer, await consumer.end_offsets(tps), sources, progress)
        async with engine.begin() as conn:
            store = PgReadModelStore(conn)
            # Blocks the live consumers' writes (not readers) until the swap commits.
            await store.lock_read_model()
            read += await _read_until(consumer, await consumer.end_offsets(tps), sources)
            await replace_read_model(store, list(replay.snapshots.values()), sources.enrolments)
            cards = PgScorecardStore(conn)
            await cards.lock_for_rebuild()
            await replace_scorecards(cards, list(replay.snapshots.values()), sources.scorecards)
    finally:
        await consumer.stop()
        await engine.dispose()
    return RebuildReport(
        events_read=read,
        deals=len(replay.snapshots),
        enrolments=len(sources.enrolments),
        applied=replay.applied,
        ignored=replay.ignored,
        rejected=replay.rejected,
        seconds=time.perf_counter() - started,
    )


def main() -> None:
    print(asyncio.run(rebuild(Settings())).describe())


if __name__ == "__main__":
    main()
