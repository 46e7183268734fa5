"""Scorecard use cases on the in-memory stores (fakes.py): the consumer's fold is idempotent and
the rebuild reaches the same state, weights honour If-Match, and each caller sees its own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from events.batching import BatchItem
from events.envelope import new_event
from events.topics import TopicNames
from pipeline.service import scorecards
from pipeline.service.deal_events import on_deal_events
from pipeline.service.replay import Replay
from pipeline.service.scorecard_events import (
    ScorecardReplay,
    on_reward_events,
    on_scorecard_deal_events,
    replace_scorecards,
)
from servicekit.errors import InvalidInput, NotFound, PreconditionFailed
from servicekit.principal import Principal, Role
from support.fakes import service_fakes

fakes = service_fakes(__file__)
TOPICS = TopicNames("")
T0 = datetime(2030, 1, 5, 9, tzinfo=UTC)
PERIOD = "2030Q1"
ACME = Principal(Role.VENDOR, "u-acme", vendor_id="acme")


def deal(deal_id: str, partner: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    return {
        "id": deal_id, "vendor_id": "acme", "partner_id": partner, "currency": "USD", "amount": "1000.00",
        "status": "pending_approval", "stage": "registered", "expected_close_date": "2030-02-15",
        "created_at": T0.isoformat(), "version": version, **changes,
    }  # fmt: skip


def item(event_type: str, data: dict[str, Any], hours: float = 0, service: str = "dealreg") -> BatchItem:
    event = new_event(event_type=event_type, service=service, subject=data.get("id"), data=data)
    return BatchItem(event.model_copy(update={"time": T0 + timedelta(hours=hours)}), None)


def reward(entry: str, partner: str, amount: str) -> BatchItem:
    data = {
        "entry_id": entry, "deal_id": "d", "rep_id": "r", "partner_id": partner, "vendor_id": "acme",
        "program_id": "prog", "kind": "registration", "amount": amount, "currency": "USD", "source_event_id": "s",
    }  # fmt: skip
    return item("reward-earned", data, service="incentives")


def history() -> list[BatchItem]:
    won = {"status": "closed", "stage": "closed_won", "outcome": "won", "final_amount": "900.00"}
    return [
        item("deal-registered", deal("d1", "p-1")),
        item("deal-approved", deal("d1", "p-1", 2, status="approved"), hours=6),
        item("deal-closed", deal("d1", "p-1", 3, **won, closed_on="2030-02-01"), hours=24 * 27),
        item("deal-registered", deal("d2", "p-1", conflict=True), hours=1),
        item("deal-approval-overdue", deal("d2", "p-1", conflict=True), hours=50),
        item("deal-rejected", deal("d2", "p-1", 2, status="rejected", conflict=True), hours=61),
        item("deal-registered", deal("d3", "p-2"), hours=2),
    ]


async def consume(pipeline: Any, cards: Any, items: list[BatchItem]) -> None:
    async with pipeline.transaction():
        await on_deal_events(pipeline, items, TOPICS)
        await on_scorecard_deal_events(cards, items)


@pytest.fixture
def stores() -> tuple[Any, Any]:
    pipeline = fakes.FakePipelineStore()
    for partner in ("p-1", "p-2", "p-3"):
        pipeline.enrol(partner, "acme")
    return pipeline, fakes.FakeScorecardStore(pipeline)


async def test_one_at_a_time_in_one_batch_with_replays_and_rebuilt_all_agree(stores: tuple[Any, Any]) -> None:
    pipeline, cards = stores
    events = history()
    for one in events:
        await consume(pipeline, cards, [one])
    # Replays: every event again in one batch, and a redelivered reward, change nothing.
    before = (dict(cards.facts_by_deal), dict(cards.periods))
    await consume(pipeline, cards, events)
    assert (cards.facts_by_deal, cards.periods) == before
    await on_reward_events(cards, [reward("e1", "p-1", "10.00"), reward("e1", "p-1", "10.00")])
    await on_reward_events(cards, [reward("e1", "p-1", "10.00"), reward("e2", "p-1", "-4.00")])
    assert cards.reward_sums == {("acme", PERIOD, "p-1", "USD"): Decimal("6.00")}

    # All in one batch on fresh stores: the same state.
    other_pipeline, other = fakes.FakePipelineStore(), None
    other = fakes.FakeScorecardStore(other_pipeline)
    await consume(other_pipeline, other, events)
    assert (other.facts_by_deal, other.periods) == (cards.facts_by_deal, cards.periods)

    # The rebuild's fold of the same history (with duplicates) reaches it too.
    replay, score_replay = Replay(), ScorecardReplay()
    for one in [*events, *events]:
        replay.fold(one.event.type, one.event.data, one.event.time)
        score_replay.fold_deal(one.event.type, one.event.data, one.event.time)
    for one in [reward("e1", "p-1", "10.00"), reward("e2", "p-1", "-4.00"), reward("e1", "p-1", "10.00")]:
        score_replay.fold_reward(one.event)
    rebuilt = fakes.FakeScorecardStore(fakes.FakePipelineStore())
    await replace_scorecards(rebuilt, list(replay.snapshots.values()), score_replay)
    assert (rebuilt.facts_by_deal, rebuilt.periods, rebuilt.reward_sums) == (
        cards.facts_by_deal, cards.periods, cards.reward_sums,
    )  # fmt: skip

    p1 = cards.periods[("acme", "p-1", PERIOD)]
    assert (p1.registrations, p1.approved, p1.rejected, p1.sla_breaches, p1.conflicts, p1.won) == (2, 1, 1, 1, 1, 1)
    assert p1.median_hours_to_decision == Decimal("33.50")  # 6 h (d1) and 61 h (d2) after registration


async def test_ranking_weights_and_tenancy(stores: tuple[Any, Any]) -> None:
    pipeline, cards = stores
    await consume(pipeline, cards, history())
    page = await scorecards.list_scorecards(
        pipeline, cards, ACME, "acme", PERIOD, "registrations", scorecards.Filters(), 2, None
    )
    assert [c.metrics.partner_id for c in page.items] == ["p-1", "p-2"] and page.next_cursor
    rest = await scorecards.list_scorecards(
        pipeline, cards, ACME, "acme", PERIOD, "registrations", scorecards.Filters(), 2, page.next_cursor
    )
    assert [c.metrics.partner_id for c in rest.items] == ["p-3"] and rest.next_cursor is None

    with pytest.raises(InvalidInput):
        await scorecards.list_scorecards(pipeline, cards, ACME, "acme", PERIOD, "name", scorecards.Filters(), 5, None)
    with pytest.raises(InvalidInput):
        await scorecards.list_scorecards(
            pipeline, cards, ACME, "acme", "2030Q9", "score", scorecards.Filters(), 5, None
        )

    partner = Principal(Role.PARTNER, "u", partner_id="p-2")
    own = await scorecards.list_scorecards(
        pipeline, cards, partner, "acme", PERIOD, "score", scorecards.Filters(), 5, None
    )
    assert [c.metrics.partner_id for c in own.items] == ["p-2"]
    with pytest.raises(NotFound):
        await scorecards.partner_scorecard(pipeline, cards, partner, "p-1", "acme", PERIOD)
    other_vendor = Principal(Role.VENDOR, "u", vendor_id="globex")
    with pytest.raises(NotFound):
        await scorecards.list_scorecards(
            pipeline, cards, other_vendor, "acme", PERIOD, "score", scorecards.Filters(), 5, None
        )

    assert (await scorecards.get_weights(cards, ACME, "acme")).version == 0
    first = await scorecards.set_weights(cards, ACME, "acme", {"won": Decimal(1)}, "0")
    with pytest.raises(PreconditionFailed):
        await scorecards.set_weights(cards, ACME, "acme", {"lost": Decimal(1)}, "0")
    with pytest.raises(InvalidInput):
        await scorecards.set_weights(cards, ACME, "acme", {"won": Decimal(0)}, "1")
    assert first.version == 1 and (await scorecards.get_weights(cards, ACME, "acme")).weights["won"] == 1
    _, card = await scorecards.partner_scorecard(pipeline, cards, ACME, "p-1", "acme", PERIOD)
    assert card.score == Decimal("100.00")  # the only one with a win, and only wins weigh


async def test_activity_counts_lapsed_partners(stores: tuple[Any, Any]) -> None:
    pipeline, cards = stores
    await consume(pipeline, cards, history())
    late = deal("d9", "p-3", created_at=(T0 + timedelta(days=90)).isoformat(), expected_close_date="2030-05-01")
    await consume(pipeline, cards, [item("deal-registered", late, hours=24 * 90)])
    now, trend = await scorecards.partner_activity(cards, ACME, "acme", "2030Q2")
    assert (now.enrolled, now.active, now.newly_active, now.lapsed, now.attrition_rate) == (3, 1, 1, 2, Decimal("1"))
    assert [t.period for t in trend] == ["2029Q3", "2029Q4", "2030Q1", "2030Q2"]
    assert trend[2].active == 2 and trend[2].producing == 1
