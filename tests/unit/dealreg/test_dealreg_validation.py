"""Registration rules beyond the schema, reported per field for an RFC 9457 errors list."""

from __future__ import annotations

from datetime import date

import pytest

from dealreg.domain.validation import (
    ISO_4217_CURRENCIES,
    MAX_PRODUCTS,
    is_valid_customer_domain,
    registration_problems,
)

TODAY = date(2026, 3, 2)


def problems(**overrides: object) -> list[tuple[tuple[str | int, ...], str]]:
    args: dict[str, object] = {
        "currency": "USD",
        "expected_close_date": date(2027, 2, 15),
        "skus": ["FW-500", "FW-600"],
        "customer_domain": "globex.com",
        "today": TODAY,
    }
    args.update(overrides)
    return registration_problems(**args)  # type: ignore[arg-type]


def locs(found: list[tuple[tuple[str | int, ...], str]]) -> list[tuple[str | int, ...]]:
    return [loc for loc, _ in found]


def test_a_good_registration_has_no_problems() -> None:
    assert problems() == []


@pytest.mark.parametrize("code", ["USD", "EUR", "JPY", "GBP", "CHF", "BRL", "INR", "XOF", "ZAR"])
def test_real_currencies_are_accepted(code: str) -> None:
    assert problems(currency=code) == []


@pytest.mark.parametrize("code", ["usd", "ABC", "US", "USDD", "XXX", "XTS", "", "EURO"])
def test_unknown_currencies_are_refused(code: str) -> None:
    found = problems(currency=code)
    assert locs(found) == [("body", "currency")]
    assert "ISO 4217" in found[0][1]


def test_currency_list_is_all_three_letter_upper_case_codes() -> None:
    assert len(ISO_4217_CURRENCIES) > 150
    assert all(len(c) == 3 and c.isupper() for c in ISO_4217_CURRENCIES)


@pytest.mark.parametrize(
    ("close_date", "ok"),
    [(date(2026, 3, 1), False), (TODAY, True), (date(2026, 3, 3), True), (None, True)],
)
def test_close_date_must_not_be_in_the_past(close_date: date | None, ok: bool) -> None:
    found = problems(expected_close_date=close_date)
    assert locs(found) == ([] if ok else [("body", "expected_close_date")])


@pytest.mark.parametrize(("count", "ok"), [(1, True), (MAX_PRODUCTS, True), (MAX_PRODUCTS + 1, False)])
def test_at_most_200_products(count: int, ok: bool) -> None:
    found = problems(skus=[f"SKU-{i}" for i in range(count)])
    assert locs(found) == ([] if ok else [("body", "products")])


def test_duplicate_skus_are_named_by_position() -> None:
    found = problems(skus=["FW-500", "FW-600", "fw-500 ", "FW-600"])
    assert locs(found) == [("body", "products", 2, "sku"), ("body", "products", 3, "sku")]
    assert "products[0]" in found[0][1]


def test_every_problem_is_reported_at_once_under_the_prefix() -> None:
    found = problems(
        currency="ZZZ",
        expected_close_date=date(2020, 1, 1),
        skus=["A", "A"],
        customer_domain="not a domain",
        loc_prefix=("body", "items", 4),
    )
    assert locs(found) == [
        ("body", "items", 4, "currency"),
        ("body", "items", 4, "expected_close_date"),
        ("body", "items", 4, "products", 1, "sku"),
        ("body", "items", 4, "customer", "domain"),
    ]


@pytest.mark.parametrize(
    ("domain", "ok"),
    [
        ("globex.com", True),
        ("sub.globex.co.uk", True),
        ("https://www.Globex.com/", True),  # tolerated, normalized
        ("m\u00fcnchen.de", True),  # IDN
        ("xn--mnchen-3ya.de", True),
        ("globex", False),  # no dot
        ("globex..com", False),
        ("-globex.com", False),
        ("globex-.com", False),
        ("glo bex.com", False),
        ("10.0.0.1", False),
        ("", False),
        ("a" * 64 + ".com", False),  # label too long
    ],
)
def test_customer_domain_shape(domain: str, ok: bool) -> None:
    assert is_valid_customer_domain(domain) is ok


def test_no_domain_is_fine() -> None:
    assert problems(customer_domain=None) == []
