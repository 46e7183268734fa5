"""Money and percentages as Decimal: parsing, cents rounding, wire formatting.

Pure Python (no I/O, no framework): domain code in every service may use it.
"""

from __future__ import annotations

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


def parse_decimal(text: str) -> Decimal:
    """Parse a finite decimal; NaN, Infinity and garbage raise ValueError."""
    try:
        d = Decimal(text)
    except (InvalidOperation, TypeError) as exc:
        raise ValueError(f"not a decimal number: {text!r}") from exc
    if not d.is_finite():
        raise ValueError(f"not a finite number: {text!r}")
    return d
