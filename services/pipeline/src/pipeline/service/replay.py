"""Folding a stream of deal events into snapshots in memory (the rebuild's pure core)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pipeline.domain.read_model import DEAL_EVENT_TYPES, DealSnapshot, apply_deal_event


@dataclass
class Replay:
    """Snapshots by deal id, and what the events did to them."""

    snapshots: dict[str, DealSnapshot] = field(default_factory=dict)
    applied: int = 0
    ignored: int = 0  # other event types, stale events and duplicates
    rejected: int = 0  # events the live consumer dead-letters too

    def fold(self, event_type: str, data: Mapping[str, Any], time: datetime) -> None:
        """Apply one event, the way the live consumer does (events of one deal arrive in order)."""
        deal_id = data.get("id")
        if event_type not in DEAL_EVENT_TYPES or not isinstance(deal_id, str):
            self.ignored += 1
            return
        before = self.snapshots.get(deal_id)
        try:
            after = apply_deal_event(before, event_type, data, time)
        except ValueError:
            self.rejected += 1
            return
        if after is before:
            self.ignored += 1
            return
        self.snapshots[deal_id] = after
        self.applied += 1
