"""Money as Decimal: half-up rounding to cents, two-place wire form, strict parsing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from servicekit.money import format_money, parse_decimal, percent_of, to_cents


@pytest.mark.parametrize(
    ("value", "cents"),
    [
        ("0.005", "0.01"),
        ("0.004", "0.00"),
        ("0.0049999", "0.00"),
        ("2.675", "2.68"),
        ("2.665", "2.67"),
        ("1.005", "1.01"),
        ("-0.005", "-0.01"),
        ("-2.675", "-2.68"),
        ("-0.004", "0.00"),
        ("12000", "12000.00"),
        ("0.1", "0.10"),
        ("999999999.995", "1000000000.00"),
    ],
)
def test_to_cents_rounds_half_up(value: str, cents: str) -> None:
    rounded = to_cents(Decimal(value))
    assert rounded == Decimal(cents)
    assert rounded.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("amount", "pct", "expected"),
    [("12000", "12.5", "1500"), ("100", "0.333", "0.333"), ("0.01", "50", "0.005"), ("250", "0", "0")],
)
def test_percent_of_is_exact_and_unrounded(amount: str, pct: str, expected: str) -> None:
    assert percent_of(Decimal(amount), Decimal(pct)) == Decimal(expected)


def test_percent_of_then_to_cents_rounds_once_at_the_end() -> None:
    assert to_cents(percent_of(Decimal("0.01"), Decimal("50"))) == Decimal("0.01")


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("12000", "12000.00"),
        ("12000.5", "12000.50"),
        ("0", "0.00"),
        ("2.675", "2.68"),
        ("-0.005", "-0.01"),
        ("1E+3", "1000.00"),
        ("0.10000", "0.10"),
    ],
)
def test_format_money_has_exactly_two_places(value: str, wire: str) -> None:
    assert format_money(Decimal(value)) == wire


@pytest.mark.parametrize(
    ("text", "value"),
    [("12000.00", "12000"), ("-3.5", "-3.5"), ("0", "0"), ("+7", "7"), ("0.005", "0.005")],
)
def test_parse_decimal_accepts_finite_numbers_exactly(text: str, value: str) -> None:
    parsed = parse_decimal(text)
    assert isinstance(parsed, Decimal)
    assert parsed == Decimal(value)


def test_parse_decimal_keeps_every_digit() -> None:
    assert str(parse_decimal("0.1")) == "0.1"
    assert parse_decimal("0.1") + parse_decimal("0.2") == Decimal("0.3")


@pytest.mark.parametrize(
    "text", ["NaN", "nan", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "", "abc", "1.2.3", "1,5", "$5", "12 EUR"]
)
def test_parse_decimal_refuses_nan_infinity_and_garbage(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


@pytest.mark.parametrize("text", ["1e3", "1e27", "1_000", " 7 ", "\u0661\u0662", "1" * 19, "", "."])
def test_parse_decimal_refuses_what_cannot_be_money(text: str) -> None:
    with pytest.raises(ValueError):
        parse_decimal(text)


def test_amount_bound_is_fifteen_digits_before_the_point() -> None:
    from servicekit.money import MAX_AMOUNT, amount_fits

    assert Decimal("999999999999999.99") == MAX_AMOUNT
    assert amount_fits(Decimal("999999999999999.99"))
    assert amount_fits(Decimal("999999999999999.994"))  # rounds to the bound
    assert not amount_fits(Decimal("999999999999999.995"))
    assert not amount_fits(Decimal("1000000000000000"))
    assert not amount_fits(Decimal(100000) * Decimal("1000000000000.00"))  # the overflow
    assert not amount_fits(Decimal("NaN")) and not amount_fits(Decimal("Infinity"))
