"""Registration rules a schema cannot express well, reported as (loc, message) pairs.

The edge merges these with the schema's own errors into one RFC 9457 `errors` list,
so every bad field is named at once. `loc` follows the schema's convention
(("body", "products", 3, "sku")); pass `loc_prefix` for a batch item.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from dealreg.domain.customers import normalize_domain
from dealreg.domain.deals import LineItem, deal_amount, margin_amount, normalize_sku
from servicekit.money import amount_bound_message, amount_fits

Loc = tuple[str | int, ...]
# One broken rule: the field it names and a message (the errors of an InvalidInput / a 422).
FieldError = tuple[Loc, str]

MAX_PRODUCTS = 200

# ISO 4217 codes of currencies in circulation (2025), without fund codes (BOV, CLF,
# COU, MXV, USN, UYI, UYW, CHE, CHW), precious metals, XDR/XSU/XUA, XTS and XXX:
# a deal is priced in money people pay with.
_CURRENCY_ROWS = (
    "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL",
    "BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP",
    "ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR",
    "IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL",
    "LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR",
    "NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD",
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX",
    "USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG",
)
ISO_4217_CURRENCIES: frozenset[str] = frozenset(code for row in _CURRENCY_ROWS for code in row.split())

# A host name: dot-separated labels of letters, digits and inner hyphens, and a
# top-level label that is not all digits (so an IP address is not a domain).
_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"^(?:{_LABEL}\.)+(?!\d+$){_LABEL}$")
_MAX_HOST_LENGTH = 253


def currency_problems(currency: str, *, loc_prefix: Loc = ("body",)) -> list[FieldError]:
    if currency in ISO_4217_CURRENCIES:
        return []
    return [((*loc_prefix, "currency"), f"unknown currency {currency!r}: expected an ISO 4217 code such as USD")]


def close_date_problems(
    expected_close_date: date | None, *, today: date, loc_prefix: Loc = ("body",)
) -> list[FieldError]:
    if expected_close_date is None or expected_close_date >= today:
        return []
    return [
        (
            (*loc_prefix, "expected_close_date"),
            f"expected close date {expected_close_date.isoformat()} is in the past (today is {today.isoformat()})",
        )
    ]


def product_problems(skus: Sequence[str], *, loc_prefix: Loc = ("body",)) -> list[FieldError]:
    """More than MAX_PRODUCTS lines, or one SKU on several lines (compared as normalize_sku does)."""
    problems: list[FieldError] = []
    if len(skus) > MAX_PRODUCTS:
        problems.append(
            ((*loc_prefix, "products"), f"at most {MAX_PRODUCTS} products per registration (got {len(skus)})")
        )
    first_index: dict[str, int] = {}
    for index, sku in enumerate(skus):
        key = normalize_sku(sku)
        if key in first_index:
            problems.append(
                (
                    (*loc_prefix, "products", index, "sku"),
                    f"duplicate SKU {sku!r} (also products[{first_index[key]}]): put the total quantity on one line",
                )
            )
        else:
            first_index[key] = index
    return problems


def is_valid_customer_domain(domain: str) -> bool:
    """A host name once normalized (scheme, "www." and a trailing dot are tolerated)."""
    host = normalize_domain(domain)
    return len(host) <= _MAX_HOST_LENGTH and _HOST.match(host) is not None


def customer_domain_problems(domain: str | None, *, loc_prefix: Loc = ("body",)) -> list[FieldError]:
    if domain is None or is_valid_customer_domain(domain):
        return []
    return [((*loc_prefix, "customer", "domain"), f"{domain!r} is not a domain name such as globex.com")]


def registration_problems(
    *,
    currency: str,
    expected_close_date: date | None,
    skus: Sequence[str],
    customer_domain: str | None,
    today: date,
    loc_prefix: Loc = ("body",),
) -> list[FieldError]:
    """Every problem of one registration the schema leaves to us; empty when it is fine."""
    return [
        *currency_problems(currency, loc_prefix=loc_prefix),
        *close_date_problems(expected_close_date, today=today, loc_prefix=loc_prefix),
        *product_problems(skus, loc_prefix=loc_prefix),
        *customer_domain_problems(customer_domain, loc_prefix=loc_prefix),
    ]


def amount_problems(lines: Sequence[tuple[int, Decimal]], margin_pct: Decimal | None) -> list[FieldError]:
    """Each line total, the deal amount and the margin amount within what an amount column stores.

    `lines` are (quantity, unit_price); a line's loc is ("products", index), the sum's ("products"),
    the margin's ("margin_pct"). Without this, 100000 x "1000000000000.00" overflowed NUMERIC(18, 2).
    """
    problems: list[FieldError] = []
    for index, (quantity, unit_price) in enumerate(lines):
        total = quantity * unit_price
        if not amount_fits(total):
            problems.append((("products", index), amount_bound_message(f"quantity x unit_price ({total:.2f})")))
    amount = deal_amount(LineItem("", quantity, unit_price) for quantity, unit_price in lines)
    if not problems and not amount_fits(amount):
        problems.append((("products",), amount_bound_message(f"the deal amount, the sum of the lines ({amount:.2f}),")))
    if not problems and margin_pct is not None and not amount_fits(margin_amount(amount, margin_pct)):
        problems.append((("margin_pct",), amount_bound_message("the margin amount")))
    return problems
