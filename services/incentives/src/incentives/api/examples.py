"""Example bodies for the OpenAPI document: the README's five-minute tour (steps 2 and 4)."""

from __future__ import annotations

from typing import Any

from servicekit.openapi import examples

PROGRAM_IN = {
    "vendor_id": "acme",
    "name": "FY27 deal registration",
    "currency": "USD",
    "starts_on": "2026-10-01",
    "ends_on": "2027-09-30",
    "registration_reward_pct": "25",
    "tier_multipliers": {"1": "1.0", "2": "1.25", "3": "1.5"},
}
DEAL_EARNINGS = {
    "deal_id": "0193f6a2-6c1e-7d3a-9b1e-5f2a7c4d8e10",
    "currency": "USD",
    "earned": "937.50",
    "clawed_back": "0.00",
    "net": "937.50",
}
USD_FIGURES = {
    "earned": "937.50",
    "clawed_back": "0.00",
    "net": "937.50",
    "paid": "0.00",
    "unpaid": "937.50",
    "by_kind": {"registration": "937.50"},
    "deals": [DEAL_EARNINGS],
}
# One currency: the top-level figures are that currency's (several: null, and only by_currency).
EARNINGS_OUT = {
    "rep_id": "rep-7",
    "period": None,
    "currency": "USD",
    **USD_FIGURES,
    "by_currency": {"USD": USD_FIGURES},
}

CREATE_PROGRAM: dict[str, Any] = examples(
    summary="25 % of the deal's margin at registration, x1.25 for tier 2", request=PROGRAM_IN
)
REP_EARNINGS: dict[str, Any] = examples(
    summary="Paid for registering: 3000.00 x 25 % x 1.25", responses={200: EARNINGS_OUT}
)
