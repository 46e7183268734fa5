from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from pipeline.domain.periods import Quarter, current_period, parse_period, period_of


@pytest.mark.parametrize(
    ("text", "year", "quarter"),
    [("2026Q4", 2026, 4), ("2027Q1", 2027, 1), ("0001Q2", 1, 2), ("9999Q4", 9999, 4)],
)
def test_parse_and_canonical_form(text: str, year: int, quarter: int) -> None:
    period = parse_period(text)
    assert period == Quarter(year, quarter)
    assert str(period) == text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "2026",
        "2026Q0",
        "2026Q5",
        "2026q4",
        "26Q4",
        "2026-Q4",
        " 2026Q4",
        "2026Q4 ",
        "2026Q44",
        "0000Q1",
        "\uff12\uff10\uff12\uff16Q4",  # fullwidth digits,
    ],
)
def test_malformed_periods_raise_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        parse_period(text)


@pytest.mark.parametrize(("year", "quarter"), [(2026, 0), (2026, 5), (0, 1), (10000, 1)])
def test_out_of_range_quarters_are_refused(year: int, quarter: int) -> None:
    with pytest.raises(ValueError):
        Quarter(year, quarter)


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
        ("2026Q3", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_start_and_end_dates(period: str, start: date, end: date) -> None:
    quarter = parse_period(period)
    assert (quarter.start, quarter.end) == (start, end)
    assert quarter.contains(start)
    assert quarter.contains(end)
    assert not quarter.contains(start - timedelta(days=1))
    assert not quarter.contains(end + timedelta(days=1))


def test_the_last_representable_quarter_ends_on_the_last_day() -> None:
    assert parse_period("9999Q4").end == date(9999, 12, 31)


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (date(2026, 9, 30), "2026Q3"),
        (date(2026, 10, 1), "2026Q4"),
        (date(2026, 12, 31), "2026Q4"),
        (date(2027, 1, 1), "2027Q1"),
        (date(2028, 2, 29), "2028Q1"),
        (date(2026, 6, 30), "2026Q2"),
    ],
)
def test_period_of_a_date(day: date, period: str) -> None:
    assert str(period_of(day)) == period


@pytest.mark.parametrize(
    ("now", "period"),
    [
        (datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC), "2026Q4"),
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2027Q1"),
        # 23:30 in New York on New Year's Eve is already the new quarter in UTC.
        (datetime(2026, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-5))), "2027Q1"),
        (datetime(2027, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), "2026Q4"),
    ],
)
def test_current_period_is_taken_in_utc(now: datetime, period: str) -> None:
    assert str(current_period(now)) == period


def test_current_period_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone"):
        current_period(datetime(2026, 11, 1, 12, 0))


@pytest.mark.parametrize(
    ("period", "following", "preceding"),
    [("2026Q4", "2027Q1", "2026Q3"), ("2027Q1", "2027Q2", "2026Q4")],
)
def test_next_and_previous_cross_years(period: str, following: str, preceding: str) -> None:
    assert str(parse_period(period).next()) == following
    assert str(parse_period(period).previous()) == preceding


def test_quarters_sort_chronologically() -> None:
    assert sorted(parse_period(p) for p in ["2027Q1", "2026Q4", "2026Q1"]) == [
        Quarter(2026, 1),
        Quarter(2026, 4),
        Quarter(2027, 1),
    ]
