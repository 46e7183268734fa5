"""Every amount within what its column stores (NUMERIC(18, 2), at most 15 digits before the point)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from dealreg.api.schemas import CloseIn, DealCreate
from dealreg.domain.validation import amount_problems


def body(**overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "vendor_id": "acme",
        "customer": {"name": "Globex"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "margin_pct": "25",
        "expected_close_date": (date.today() + timedelta(days=30)).isoformat(),
    }
    out.update(overrides)
    return out


def locs(exc: ValidationError) -> list[tuple[Any, ...]]:
    return [tuple(e["loc"]) for e in exc.errors()]


def test_the_issues_overflow_is_refused_naming_the_line() -> None:
    with pytest.raises(ValidationError) as exc:
        DealCreate.model_validate(body(products=[{"sku": "X", "quantity": 100000, "unit_price": "1000000000000.00"}]))
    assert locs(exc.value) == [("products", 0)]
    assert "999999999999999.99" in exc.value.errors()[0]["msg"]


def test_lines_that_fit_but_sum_beyond_the_bound_name_the_products() -> None:
    line = {"quantity": 1, "unit_price": "600000000000000.00"}
    with pytest.raises(ValidationError) as exc:
        DealCreate.model_validate(body(products=[{"sku": "A", **line}, {"sku": "B", **line}]))
    assert locs(exc.value) == [("products",)]


@pytest.mark.parametrize(("price", "ok"), [("999999999999999.99", True), ("1000000000000000.00", False)])
def test_unit_price_has_at_most_fifteen_digits_before_the_point(price: str, ok: bool) -> None:
    data = body(products=[{"sku": "A", "quantity": 1, "unit_price": price}])
    if ok:
        assert DealCreate.model_validate(data).products[0].unit_price == Decimal(price)
    else:
        with pytest.raises(ValidationError) as exc:
            DealCreate.model_validate(data)
        assert ("products", 0, "unit_price") in locs(exc.value)


def test_final_amount_is_bounded() -> None:
    assert CloseIn.model_validate({"outcome": "won", "final_amount": "999999999999999.99"})
    with pytest.raises(ValidationError) as exc:
        CloseIn.model_validate({"outcome": "won", "final_amount": "10000000000000000"})
    assert locs(exc.value) == [("final_amount",)]


def test_amount_problems_margin_is_checked_on_the_rounded_amount() -> None:
    assert amount_problems([(1, Decimal("999999999999999.99"))], Decimal(100)) == []
    assert amount_problems([(3, Decimal("333333333333333.33"))], Decimal(50)) == []
    assert [p[0] for p in amount_problems([(2, Decimal("999999999999999.99"))], Decimal(1))] == [("products", 0)]
