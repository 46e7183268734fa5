"""Builders for incentives unit tests: a valid program and deal, overridden per test."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from events.vocabulary import DealStage as Stage
from incentives.domain.deals import DealFacts
from incentives.domain.ledger import LedgerLine
from incentives.domain.programs import PayRegistrationOn, Program
from incentives.domain.rules import RewardKind

D = Decimal


def make_program(**overrides: Any) -> Program:
    """The contract's example program (acme FY27), with `overrides` applied."""
    fields: dict[str, Any] = {
        "id": "prog-1",
        "vendor_id": "acme",
        "name": "FY27 deal registration",
        "currency": "USD",
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2027, 9, 30),
        "registration_reward_pct": D("25"),
        "pay_registration_on": PayRegistrationOn.REGISTERED,
        "stage_bonuses": {Stage.QUALIFIED: D("50.00"), Stage.PROPOSAL: D("100.00"), Stage.NEGOTIATION: D("150.00")},
        "close_won_pct": D("2"),
        "clawback_on_reject": True,
        "tier_multipliers": {1: D("1.0"), 2: D("1.25"), 3: D("1.5")},
        "cap_per_deal": D("5000.00"),
        "budget": D("250000.00"),
    }
    fields.update(overrides)
    return Program(**fields)


def make_deal(**overrides: Any) -> DealFacts:
    fields: dict[str, Any] = {
        "deal_id": "deal-1",
        "vendor_id": "acme",
        "partner_id": "p-100",
        "tier": 1,
        "rep_id": "rep-1",
        "currency": "USD",
        "margin_amount": D("3000.00"),
        "stage": Stage.REGISTERED,
        "final_amount": None,
    }
    fields.update(overrides)
    return DealFacts(**fields)


def make_line(**overrides: Any) -> LedgerLine:
    fields: dict[str, Any] = {
        "id": "line-1",
        "deal_id": "deal-1",
        "rep_id": "rep-1",
        "partner_id": "p-100",
        "vendor_id": "acme",
        "program_id": "prog-1",
        "kind": RewardKind.REGISTRATION,
        "stage": None,
        "amount": D("100.00"),
        "currency": "USD",
        "event_id": "evt-1",
        "rule_key": "registration",
        "created_at": datetime(2026, 11, 15, 12, 0, tzinfo=UTC),
        "payout_id": None,
    }
    fields.update(overrides)
    return LedgerLine(**fields)
