"""Money and percentages as Decimal: parsing, cents rounding, wire formatting.

Pure Python (no I/O, no framework): domain code in every service may use it.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def to_cents(value: Decimal) -> Decimal:
    """Round half-up to cents, the contract's rule for every amount."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, pct: Decimal) -> Decimal:
    """`pct` percent of `amount`, unrounded (round once, at the end of a calculation)."""
    return amount * pct / HUNDRED


def format_money(value: Decimal) -> str:
    """The wire form: a decimal string with exactly two places ("12000.00")."""
    return f"{to_cents(value):.2f}"


_PLAIN_DECIMAL = re.compile(r"^[+-]?[0-9]{1,18}(\.[0-9]{1,10})?$")


def parse_decimal(text: str) -> Decimal:
    """Parse a plain decimal ("1200.00"): ASCII digits, at most 18 before the point.

    NaN, Infinity, exponents, underscores, spaces and other scripts' digits raise
    ValueError, so nothing that cannot be rounded to cents gets past the edge.
    """
    if not isinstance(text, str) or not _PLAIN_DECIMAL.match(text):
        raise ValueError(f"not a plain decimal number: {text!r}")
    try:
        return Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - the pattern already excludes these
        raise ValueError(f"not a decimal number: {text!r}") from exc


# Amount columns are NUMERIC(18, 2): at most 16 digits before the point. The contract refuses more
# than 15, which leaves room for a sum of a few such amounts before the column itself overflows.
MAX_AMOUNT_INTEGER_DIGITS = 15
MAX_AMOUNT = Decimal("9" * MAX_AMOUNT_INTEGER_DIGITS + ".99")


def amount_fits(value: Decimal) -> bool:
    """True when `value` (rounded to cents) is within what an amount column stores (|value| <= MAX_AMOUNT)."""
    if not value.is_finite():
        return False
    return abs(to_cents(value)) <= MAX_AMOUNT


def amount_bound_message(what: str = "the amount") -> str:
    return f"{what} must be at most {MAX_AMOUNT} (no more than {MAX_AMOUNT_INTEGER_DIGITS} digits before the point)"
