"""Setting the scene through the public API: a partner profile, a program, a registration."""

from __future__ import annotations

from typing import Any

import httpx

PROGRAM = {
    "vendor_id": "acme",
    "name": "FY27 deal registration",
    "currency": "USD",
    "starts_on": "2026-01-01",
    "ends_on": "2030-12-31",
    "registration_reward_pct": "25",
    "pay_registration_on": "registered",
    "tier_multipliers": {"1": "1.0", "2": "1.25", "3": "1.5"},
}


def partner_profile(vendor_id: str = "acme", tier: int = 2) -> dict[str, Any]:
    return {
        "name": "Initech Solutions",
        "tier": tier,
        "territory": "west",
        "region": "NA",
        "channel_manager": "cm-1",
        "vendor_ids": [vendor_id],
    }


def registration(customer: str, sku: str = "FW-500", vendor_id: str = "acme") -> dict[str, Any]:
    return {
        "vendor_id": vendor_id,
        "customer": {"name": customer, "domain": f"{customer.lower().replace(' ', '')}.example", "country": "US"},
        "products": [{"sku": sku, "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "margin_pct": "25",
        "expected_close_date": "2030-02-15",
    }


async def put_partner(dealreg: httpx.AsyncClient, headers: dict[str, str], partner_id: str, tier: int = 2) -> None:
    r = await dealreg.put(f"/v1/partners/{partner_id}", json=partner_profile(tier=tier), headers=headers)
    assert r.status_code in (200, 201), r.text


async def create_program(incentives: httpx.AsyncClient, headers: dict[str, str], **changes: Any) -> dict[str, Any]:
    r = await incentives.post("/v1/programs", json={**PROGRAM, **changes}, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())
