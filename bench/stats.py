"""Percentiles and summaries of latency samples (milliseconds)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None without samples."""
    if not samples:
        return None
    ordered = sorted(samples)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(samples: Sequence[float]) -> dict[str, Any]:
    def r(v: float | None) -> float | None:
        return None if v is None else round(v, 2)

    return {
        "count": len(samples),
        "p50_ms": r(percentile(samples, 50)),
        "p90_ms": r(percentile(samples, 90)),
        "p99_ms": r(percentile(samples, 99)),
        "max_ms": r(max(samples)) if samples else None,
        "mean_ms": r(sum(samples) / len(samples)) if samples else None,
    }


REWARD_STAGES = (
    # name, from mark, to mark
    ("HTTP response", "sent", "answered"),
    ("dealreg relay (response -> deals.v1)", "answered", "deals.v1 append"),
    ("incentives (deals.v1 -> ledger commit)", "deals.v1 append", "reward written"),
    ("incentives relay (-> incentives.v1)", "reward written", "incentives.v1 append"),
    ("last hop (incentives.v1 -> reader)", "incentives.v1 append", "seen"),
)


def reward_stages(
    sent: dict[str, float],
    answered: dict[str, float],
    marks: dict[str, dict[str, float]],
    seen: dict[str, float],
) -> dict[str, dict[str, Any]]:
    """Per stage of registration -> reward, a summary over the deals whose every mark is known.

    Marks are epoch seconds on one machine's clock; Kafka's record timestamps have 1 ms steps,
    so a stage bounded by one can read up to 1 ms off (and slightly negative)."""
    out: dict[str, dict[str, Any]] = {}
    complete = [d for d in sent if d in answered and d in seen and len(marks.get(d, {})) == 3]
    for name, start, end in REWARD_STAGES:
        samples = []
        for deal in complete:
            at = {**marks[deal], "sent": sent[deal], "answered": answered[deal], "seen": seen[deal]}
            samples.append((at[end] - at[start]) * 1000)
        out[name] = summary(samples)
    return out


def epoch(iso: str) -> float:
    """An event's ISO 8601 `time` as epoch seconds."""
    from datetime import datetime

    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def spread(values: Sequence[float | None]) -> dict[str, Any]:
    """The median of repeated runs and how far they spread: min, max, and (max - min) / median in %."""
    known = sorted(v for v in values if v is not None)
    if not known:
        return {"median": None, "min": None, "max": None, "spread_pct": None, "runs": list(values)}
    mid = len(known) // 2
    median = known[mid] if len(known) % 2 else (known[mid - 1] + known[mid]) / 2
    return {
        "median": round(median, 3),
        "min": round(known[0], 3),
        "max": round(known[-1], 3),
        "spread_pct": round(100 * (known[-1] - known[0]) / median, 1) if median else None,
        "runs": [None if v is None else round(v, 3) for v in values],
    }


def median_run(runs: Sequence[dict[str, Any]], key: str) -> dict[str, Any]:
    """The run whose `key` is the median of the runs (its other figures belong to the same run)."""
    known = sorted((r for r in runs if r.get(key) is not None), key=lambda r: r[key])
    return known[(len(known) - 1) // 2] if known else (runs[0] if runs else {})
