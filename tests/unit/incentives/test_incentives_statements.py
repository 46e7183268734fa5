from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from incentives_factories import make_line

from events.vocabulary import DealStage as Stage
from incentives.domain.ledger import LedgerLine
from incentives.domain.rules import RewardKind
from incentives.domain.statements import (
    DealEarnings,
    MixedCurrencies,
    earnings_statement,
    parse_period,
    period_window,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2028Q1", date(2028, 1, 1), date(2028, 3, 31)),  # leap year: Feb 29 inside
    ],
)
def test_parse_period(text: str, start: date, end: date) -> None:
    assert parse_period(text) == (start, end)


@pytest.mark.parametrize(
    "text", ["2026Q5", "2026Q0", "2026q4", "2026-Q4", "26Q4", "2026Q4 ", "Q4", "", "2026", "0000Q1"]
)
def test_malformed_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(text)


def test_period_window_is_half_open_in_utc() -> None:
    assert period_window(date(2026, 10, 1), date(2026, 12, 31)) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )


def at(day: str, hour: int = 12) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def reward(
    id: str, deal_id: str, kind: RewardKind, amount: str, rule_key: str, created_at: datetime, **more: Any
) -> LedgerLine:
    """A line of another kind than a registration (make_line's default), its fields in this order."""
    return make_line(
        id=id, deal_id=deal_id, kind=kind, amount=D(amount), rule_key=rule_key, created_at=created_at, **more
    )


LINES = [
    make_line(id="1", deal_id="d1", amount=D("750.00"), created_at=at("2026-10-01", 0), payout_id="po-1"),
    reward("2", "d1", RewardKind.STAGE_BONUS, "50.00", "stage:qualified", at("2026-11-02"), stage=Stage.QUALIFIED),
    make_line(id="3", deal_id="d2", amount=D("300.00"), created_at=at("2026-12-31", 23)),
    reward("4", "d2", RewardKind.CLAWBACK, "-300.00", "clawback", at("2026-12-31", 23)),
    reward("5", "d3", RewardKind.ADJUSTMENT, "-20.00", "adj-1", at("2026-12-15")),
    reward("6", "d1", RewardKind.CLOSE_BONUS, "230.00", "close", at("2027-01-01", 0)),  # next quarter
    make_line(id="7", deal_id="d9", rep_id="rep-2", amount=D("999.00")),  # another rep
    make_line(id="8", deal_id="d1", amount=D("1.00"), created_at=at("2026-09-30", 23)),  # previous quarter
]


def test_a_quarter_statement() -> None:
    statement = earnings_statement(LINES, rep_id="rep-1", period=parse_period("2026Q4"))
    assert statement.currency == "USD"
    assert (statement.earned, statement.clawed_back, statement.net) == (D("1100.00"), D("320.00"), D("780.00"))
    assert (statement.paid, statement.unpaid) == (D("750.00"), D("30.00"))
    assert statement.by_kind == {
        RewardKind.REGISTRATION: D("1050.00"),
        RewardKind.STAGE_BONUS: D("50.00"),
        RewardKind.CLOSE_BONUS: D("0.00"),
        RewardKind.CLAWBACK: D("-300.00"),
        RewardKind.ADJUSTMENT: D("-20.00"),
    }
    assert statement.deals == (
        DealEarnings("d1", D("800.00"), D("0.00"), D("800.00")),
        DealEarnings("d2", D("300.00"), D("300.00"), D("0.00")),
        DealEarnings("d3", D("0.00"), D("20.00"), D("-20.00")),
    )


def test_all_time_statement_and_quarters_add_up() -> None:
    whole = earnings_statement(LINES, rep_id="rep-1")
    quarters = [
        earnings_statement(LINES, rep_id="rep-1", period=parse_period(q)) for q in ("2026Q3", "2026Q4", "2027Q1")
    ]
    assert whole.net == sum((q.net for q in quarters), D(0)) == D("1011.00")
    assert whole.paid + whole.unpaid == whole.net


def test_the_period_is_read_in_utc() -> None:
    # 2026-12-31 22:00 at UTC-5 is 2027-01-01 03:00 UTC: next quarter
    late = make_line(created_at=datetime(2026, 12, 31, 22, 0, tzinfo=timezone(timedelta(hours=-5))))
    assert earnings_statement([late], rep_id="rep-1", period=parse_period("2026Q4")).net == 0
    assert earnings_statement([late], rep_id="rep-1", period=parse_period("2027Q1")).net == D("100.00")


def test_an_empty_statement_is_all_zero() -> None:
    statement = earnings_statement(LINES, rep_id="rep-nobody", period=parse_period("2026Q4"))
    assert (statement.currency, statement.net, statement.deals) == (None, 0, ())
    assert set(statement.by_kind.values()) == {D(0)}


def test_several_currencies_need_the_currency_named() -> None:
    lines = [make_line(id="a"), make_line(id="b", currency="EUR", amount=D("7.00"))]
    with pytest.raises(MixedCurrencies):
        earnings_statement(lines, rep_id="rep-1")
    euro = earnings_statement(lines, rep_id="rep-1", currency="EUR")
    assert (euro.currency, euro.net) == ("EUR", D("7.00"))
