"""Example bodies for the OpenAPI document: the README's five-minute tour (steps 1, 3 and 5)."""

from __future__ import annotations

from typing import Any

from servicekit.openapi import examples

TERMS = {"tier": 2, "territory": "west", "region": "NA", "channel_manager": "cm-1"}
PARTNER_IN = {"name": "Initech", **TERMS, "vendor_ids": ["acme"]}
PARTNER_OUT = {
    "id": "p-100",
    "name": "Initech",
    **TERMS,
    "vendor_ids": ["acme"],
    "enrollments": [{"vendor_id": "acme", **TERMS, "version": 1, "updated_at": "2026-11-02T09:15:00Z"}],
    "created_at": "2026-11-02T09:15:00Z",
    "updated_at": "2026-11-02T09:15:00Z",
    "version": 1,
}
DEAL_IN = {
    "vendor_id": "acme",
    "customer": {"name": "Globex Corporation", "domain": "globex.com", "country": "US"},
    "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
    "currency": "USD",
    "margin_pct": "25",
    "expected_close_date": "2027-02-15",
}
DEAL_OUT = {
    "id": "0193f6a2-6c1e-7d3a-9b1e-5f2a7c4d8e10",
    "vendor_id": "acme",
    "partner_id": "p-100",
    "rep": {"id": "rep-7", "email": None, "name": None},
    "customer": {"name": "Globex Corporation", "domain": "globex.com", "country": "US"},
    "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
    "currency": "USD",
    "amount": "12000.00",
    "margin_pct": "25",
    "margin_amount": "3000.00",
    "status": "pending_approval",
    "stage": "registered",
    "conflict": False,
    "conflict_reasons": [],
    "expected_close_date": "2027-02-15",
    "protection_expires_at": None,
    "approval_due_at": "2026-11-04T09:16:00Z",
    "approval_overdue_at": None,
    "extensions_used": 0,
    "decided_at": None,
    "decision_reason": None,
    "final_amount": None,
    "closed_on": None,
    "outcome": None,
    "close_reason": None,
    "expired_at": None,
    "external_ref": None,
    "notes": None,
    "created_at": "2026-11-02T09:16:00Z",
    "updated_at": "2026-11-02T09:16:00Z",
    "version": 1,
}
BAD_DEAL_PROBLEM = {
    "type": "/problems/validation-error",
    "title": "Unprocessable Content",
    "status": 422,
    "detail": "The request is not valid: see errors.",
    "errors": [
        {
            "loc": ["body", "customer", "name"],
            "msg": "String should have at least 1 character",
            "type": "string_too_short",
        },
        {
            "loc": ["body", "products"],
            "msg": "List should have at least 1 item after validation, not 0",
            "type": "too_short",
        },
        {
            "loc": ["body", "currency"],
            "msg": "String should match pattern '^[A-Z]{3}$'",
            "type": "string_pattern_mismatch",
        },
    ],
}

PUT_PARTNER: dict[str, Any] = examples(
    summary="Enrol partner p-100 with vendor acme (tier 2)", request=PARTNER_IN, responses={200: PARTNER_OUT}
)
POST_DEAL: dict[str, Any] = examples(
    summary="A partner's rep registers a deal",
    request=DEAL_IN,
    responses={201: DEAL_OUT, 422: BAD_DEAL_PROBLEM},
)
