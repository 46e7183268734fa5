"""Read-model rows, wire formats and rollup paging: pure helpers of the service layer."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pipeline_deals import deal_snapshot

from pipeline.adapters.rows import policy_of, snapshot_of, snapshot_values
from pipeline.adapters.tables import DealRow, PlanRow, PolicyRow
from pipeline.domain.figures import PipelineFigures
from pipeline.domain.keys import FiguresKey, affected_figures, period_text
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome
from pipeline.service.rollups import cursor_key, page_after
from pipeline.service.views import figures_json, plan_json, policy_json

D = Decimal
AT = datetime(2026, 10, 1, 9, tzinfo=UTC)


def snapshot(**changes: object) -> DealSnapshot:
    won = deal_snapshot(
        deal_id="d-1", partner_id="p-1", tier=2, territory="west", region="NA", channel_manager="cm-1",
        amount=D("1200.50"), status=DealStatus.CLOSED, stage=DealStage.CLOSED_WON,
        expected_close_date=date(2026, 12, 15), closed_on=date(2027, 1, 3), outcome=Outcome.WON,
        final_amount=D("1100.00"), created_at=AT, last_event_time=AT, last_sequence=4,
    )  # fmt: skip
    return replace(won, **changes)  # type: ignore[arg-type]


def test_a_snapshot_survives_its_row() -> None:
    original = snapshot()
    assert snapshot_of(DealRow(**snapshot_values(original))) == original
    bare = snapshot(tier=None, outcome=None, final_amount=None, closed_on=None, status=DealStatus.APPROVED)
    assert snapshot_of(DealRow(**snapshot_values(bare))) == bare


@pytest.mark.parametrize(
    ("changes", "period"),
    [
        ({}, "2027Q1"),  # closed: the close date places it
        ({"status": DealStatus.APPROVED, "stage": DealStage.PROPOSAL, "closed_on": None}, "2026Q4"),
        ({"status": DealStatus.APPROVED, "expected_close_date": None, "closed_on": None}, None),
    ],
)
def test_the_row_records_the_quarter_the_deal_counts_in(changes: dict[str, object], period: str | None) -> None:
    assert period_text(snapshot(**changes)) == period
    assert snapshot_values(snapshot(**changes))["period"] == period


def test_a_change_touches_the_old_and_the_new_quarter() -> None:
    before = snapshot(status=DealStatus.APPROVED, closed_on=None, expected_close_date=date(2026, 12, 15))
    moved = replace(before, expected_close_date=date(2027, 2, 1))
    assert affected_figures(before, moved) == [FiguresKey("p-1", "acme", "2026Q4"), FiguresKey("p-1", "acme", "2027Q1")]
    assert affected_figures(before, replace(before, amount=D(5))) == [FiguresKey("p-1", "acme", "2026Q4")]
    assert affected_figures(None, before) == [FiguresKey("p-1", "acme", "2026Q4")]
    undated = replace(before, expected_close_date=None)
    assert affected_figures(None, undated) == []


def test_figures_go_on_the_wire_as_decimal_strings_or_null() -> None:
    figures = PipelineFigures(
        plan=None,
        closed_won=D("5000"),
        performance_to_plan=None,
        pipeline_total=D("16000.5"),
        pipeline_target=None,
        risk_adjusted_pipeline=D("3200.00"),
        risk_adjusted_target=None,
        coverage=None,
        open_deals=2,
        won_deals=1,
        lost_deals=0,
        win_rate=D("1.0000"),
        avg_deal_size=D("5000.00"),
        avg_cycle_days=D("12.50"),
        sales_velocity=D("800.00"),
    )
    assert figures_json(figures) == {
        "plan": None,
        "closed_won": "5000.00",
        "performance_to_plan": None,
        "pipeline_total": "16000.50",
        "pipeline_target": None,
        "risk_adjusted_pipeline": "3200.00",
        "risk_adjusted_target": None,
        "coverage": None,
        "open_deals": 2,
        "won_deals": 1,
        "lost_deals": 0,
        "win_rate": "1.0000",
        "avg_deal_size": "5000.00",
        "avg_cycle_days": "12.50",
        "sales_velocity": "800.00",
        "currency": None,
        "other_currencies": {},
    }


def test_a_vendor_without_a_policy_gets_the_defaults() -> None:
    policy = policy_of(None)
    assert policy == PipelinePolicy()
    body = policy_json("acme", policy, None)
    assert body["is_default"] is True and body["version"] == 0
    assert (body["total_index"], body["at_risk_threshold"]) == ("2.0", "0.80")


def test_a_stored_policy_reads_back_as_written() -> None:
    row = PolicyRow(
        vendor_id="acme",
        total_index=D("3.0"),
        risk_adjusted_index=D("1.25"),
        stage_probabilities={"qualified": "0.30"},
        at_risk_threshold=D("0.9"),
        updated_at=AT,
        version=2,
    )
    policy = policy_of(row)
    assert policy.probability_of("qualified") == D("0.30")
    assert policy.probability_of("proposal") == D("0.50")
    body = policy_json("acme", policy, row)
    assert (body["total_index"], body["risk_adjusted_index"], body["at_risk_threshold"]) == ("3.0", "1.25", "0.9")
    assert body["stage_probabilities"]["qualified"] == "0.30" and body["is_default"] is False


def test_a_plan_shows_its_target_in_cents() -> None:
    row = PlanRow(
        partner_id="p-1",
        vendor_id="acme",
        period="2026Q4",
        revenue_target=D("25000"),
        currency="USD",
        updated_at=AT,
        version=1,
    )
    assert plan_json(row)["revenue_target"] == "25000.00"


GROUPS = [("east", 1), ("north", 2), ("west", 3), (None, 4)]


@pytest.mark.parametrize("limit", [1, 2, 3, 4, 10])
def test_rollup_pages_cover_every_group_once_in_order(limit: int) -> None:
    seen: list[str | None] = []
    after = None
    for _ in range(10):
        page, after = page_after(GROUPS, limit, after)
        seen.extend(key for key, _ in page)
        if after is None:
            break
    assert seen == ["east", "north", "west", None]


def test_the_page_after_the_unknown_group_is_empty() -> None:
    assert page_after(GROUPS, 5, cursor_key(None)) == ([], None)
    assert page_after(GROUPS, 5, cursor_key("north")) == ([("west", 3), (None, 4)], None)
