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
