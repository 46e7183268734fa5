"""The rebuild's in-memory fold: the same snapshots the live consumer would store."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from pipeline_deals import T0, deal_data

from pipeline.domain.read_model import DealStage, DealStatus
from pipeline.service.replay import Replay


def data(deal_id: str = "d-1", version: int = 1, **changes: Any) -> dict[str, Any]:
    partner = {"id": "p-1", "tier": 1, "territory": "west", "region": "NA", "channel_manager": "cm-1"}
    return deal_data(deal_id, version, partner=partner, **changes)


def test_events_of_interleaved_deals_fold_into_their_latest_state() -> None:
    replay = Replay()
    replay.fold("deal-registered", data("a"), T0)
    replay.fold("deal-registered", data("b", amount="50.00"), T0)
    advanced = data("a", 2, status="approved", stage="proposal", amount="2000.00")
    replay.fold("stage-advanced", advanced, T0 + timedelta(1))
    replay.fold("deal-rejected", data("b", 2, status="rejected"), T0 + timedelta(1))

    a, b = replay.snapshots["a"], replay.snapshots["b"]
    assert (a.status, a.stage, a.amount) == (DealStatus.APPROVED, DealStage.PROPOSAL, Decimal("2000.00"))
    assert b.status is DealStatus.REJECTED
    assert (replay.applied, replay.ignored, replay.rejected) == (4, 0, 0)


def test_duplicates_stale_events_and_other_types_are_ignored() -> None:
    replay = Replay()
    replay.fold("deal-registered", data(version=1), T0)
    replay.fold("stage-advanced", data(version=2, status="approved", stage="qualified"), T0)
    replay.fold("stage-advanced", data(version=2, status="approved", stage="qualified"), T0)  # a redelivery
    replay.fold("deal-registered", data(version=1), T0)  # an older one
    replay.fold("reward-earned", {"id": "d-1"}, T0)
    assert replay.snapshots["d-1"].stage is DealStage.QUALIFIED
    assert (replay.applied, replay.ignored, replay.rejected) == (2, 3, 0)


def test_an_event_the_consumer_would_dead_letter_is_counted_and_skipped() -> None:
    replay = Replay()
    replay.fold("deal-registered", data(amount=1.5), T0)  # a float amount is refused
    replay.fold("deal-registered", {"amount": "1.00"}, T0)  # no deal id
    assert replay.snapshots == {}
    assert (replay.applied, replay.ignored, replay.rejected) == (0, 1, 1)
