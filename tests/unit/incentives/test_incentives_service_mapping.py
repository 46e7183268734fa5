"""The edge between storage/events and the domain: deal events and program rows as domain values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from events.schemas import DealEventData
from events.vocabulary import DealStage as Stage
from incentives.adapters.tables import ProgramRow, to_domain
from incentives.domain.deals import deal_facts
from incentives.domain.programs import UNLIMITED
from support.events import deal_data


def program_row(**changes: object) -> ProgramRow:
    fields: dict[str, object] = {
        "id": "prog-1",
        "vendor_id": "acme",
        "name": "FY27",
        "currency": "USD",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
        "registration_reward_pct": Decimal("25.0000"),
        "pay_registration_on": "registered",
        "stage_bonuses": {"qualified": "50.00"},
        "close_won_pct": Decimal("2.0000"),
        "clawback_on_reject": True,
        "tier_multipliers": {"1": "1.0", "2": "1.25", "3": "1.5"},
        "cap_per_deal": None,
        "budget": Decimal("1000.00"),
        "created_at": datetime(2026, 1, 1, tzinfo=UTC),
        "version": 1,
    }
    return ProgramRow(**{**fields, **changes})


@pytest.mark.parametrize(
    ("budget", "expected"),
    [(Decimal("1000.00"), Decimal("1000.00")), (None, UNLIMITED)],
)
def test_a_program_row_without_budget_is_unlimited(budget: Decimal | None, expected: Decimal) -> None:
    program = to_domain(program_row(budget=budget))
    assert program.budget == expected
    assert program.multiplier(2) == Decimal("1.25")
    assert program.stage_bonuses == {Stage.QUALIFIED: Decimal("50.00")}


@pytest.mark.parametrize(
    ("changes", "stage", "final_amount"),
    [
        ({}, Stage.REGISTERED, Decimal("12000.00")),
        ({"stage": "closed_won", "final_amount": "11000.00"}, Stage.CLOSED_WON, Decimal("11000.00")),
        # A won close without final_amount is paid on the deal's amount rather than refused.
        ({"stage": "closed_won"}, Stage.CLOSED_WON, Decimal("12000.00")),
    ],
)
def test_a_deal_event_becomes_deal_facts(changes: dict[str, str], stage: Stage, final_amount: Decimal) -> None:
    facts = deal_facts(DealEventData.model_validate(deal_data(tier=3, rep_id="rep-9", **changes)))
    assert (facts.stage, facts.final_amount, facts.tier, facts.rep_id) == (stage, final_amount, 3, "rep-9")
    assert facts.margin_amount == Decimal("3000.00")
