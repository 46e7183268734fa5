"""The batch path's in-memory fold: events of one deal carried forward in delivery order, and
each figures key credited to the last event that touched it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from pipeline_deals import T0
from pipeline_deals import deal_data as data

from events.batching import BatchItem
from events.consumer import PoisonEvent
from events.envelope import new_event
from pipeline.domain.keys import FiguresKey
from pipeline.domain.read_model import DealStage, DealStatus, apply_deal_event
from pipeline.service.deal_events import fold_batch

Q4 = FiguresKey("p-1", "acme", "2026Q4")


def item(event_type: str, deal: dict[str, Any], trace: str, minutes: int = 0) -> BatchItem:
    event = new_event(event_type=event_type, service="dealreg", subject=deal.get("id", "?"), data=deal)
    return BatchItem(event.model_copy(update={"time": T0 + timedelta(minutes=minutes)}), trace)


def test_events_of_one_deal_fold_one_after_the_other() -> None:
    items = [
        item("deal-registered", data("a"), "t1"),
        item("deal-registered", data("b", amount="50.00"), "t2"),
        item("stage-advanced", data("a", 2, status="approved", stage="proposal", amount="2000.00"), "t3", 1),
        item("deal-registered", data("a"), "t4", 2),  # a stale version: changes nothing
    ]
    changed, touched = fold_batch({}, items)

    assert sorted(changed) == ["a", "b"]
    a = changed["a"]
    assert (a.status, a.stage, a.amount) == (DealStatus.APPROVED, DealStage.PROPOSAL, Decimal("2000.00"))
    assert a.last_sequence == 2
    assert touched == {Q4: "t3"}  # the stale event touched nothing


def test_a_stored_deal_is_the_starting_point_and_a_move_touches_both_quarters() -> None:
    stored = {"a": apply_deal_event(None, "deal-registered", data("a"), T0)}
    moved = data("a", 2, status="approved", expected_close_date="2027-01-10")
    changed, touched = fold_batch(stored, [item("deal-extended", moved, "t9", 5)])

    assert changed["a"].expected_close_date.isoformat() == "2027-01-10"  # type: ignore[union-attr]
    assert touched == {Q4: "t9", FiguresKey("p-1", "acme", "2027Q1"): "t9"}


def test_a_repeat_of_the_stored_state_changes_nothing() -> None:
    stored = {"a": apply_deal_event(None, "deal-registered", data("a"), T0)}
    assert fold_batch(stored, [item("deal-registered", data("a"), "t1")]) == ({}, {})


@pytest.mark.parametrize(
    "bad",
    [
        data("a", status="flying"),
        data("a", amount=12.5),
        {k: v for k, v in data("a").items() if k != "id"},
    ],
    ids=["unknown status", "float amount", "no id"],
)
def test_an_event_the_domain_rejects_poisons_the_batch(bad: dict[str, Any]) -> None:
    items = [item("deal-registered", data("ok"), "t1"), item("deal-registered", {**bad}, "t2")]
    with pytest.raises(PoisonEvent):
        fold_batch({}, items)
