"""reward_latency_seconds: every reward observed, each bucket linking to the trace of the last reward in it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from events.envelope import CloudEvent
from incentives.consumers import REWARD_LATENCY, observe_reward_latencies
from support.events import deal_data, deal_event

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Item:
    event: CloudEvent
    traceparent: str | None


def rewarded(seconds_ago: float, trace: int) -> Item:
    event = deal_event("deal-registered", deal_data()).model_copy(update={"time": NOW - timedelta(seconds=seconds_ago)})
    return Item(event, f"00-{trace:032x}-{trace:016x}-01")


def buckets() -> dict[str, tuple[float, str | None]]:
    """le -> (cumulative count, the exemplar's trace id)."""
    [metric] = REWARD_LATENCY.collect()
    return {
        s.labels["le"]: (s.value, s.exemplar.labels["trace_id"] if s.exemplar else None)
        for s in metric.samples
        if s.name.endswith("_bucket")
    }


def test_each_reward_counts_and_each_bucket_links_to_its_last_reward() -> None:
    before = buckets()
    observe_reward_latencies([rewarded(0.3, 1), rewarded(0.4, 2), rewarded(3.0, 3), rewarded(0.45, 4)], NOW)
    after = buckets()
    added = {le: after[le][0] - before[le][0] for le in after}
    assert (added["0.25"], added["0.5"], added["2.5"], added["5.0"], added["+Inf"]) == (0, 3, 3, 4, 4)
    assert after["0.5"][1] == f"{4:032x}"  # the last of the three in (0.25, 0.5]
    assert after["5.0"][1] == f"{3:032x}"
