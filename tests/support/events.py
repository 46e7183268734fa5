"""Build real deal events (the shape dealreg publishes) for tests that feed consumers via Kafka."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from events.envelope import CloudEvent, new_event


def deal_data(
    deal_id: str | None = None,
    *,
    vendor_id: str = "acme",
    partner_id: str = "p-100",
    rep_id: str = "rep-7",
    tier: int = 2,
    amount: str = "12000.00",
    margin_pct: str = "25",
    margin_amount: str = "3000.00",
    status: str = "pending_approval",
    stage: str = "registered",
    version: int = 1,
    created_at: datetime | None = None,
    **extra: Any,
) -> dict[str, Any]:
    now = (created_at or datetime.now(UTC)).isoformat()
    return {
        "id": deal_id or str(uuid.uuid4()),
        "vendor_id": vendor_id,
        "partner_id": partner_id,
        "rep": {"id": rep_id, "email": None, "name": None},
        "customer": {"name": "Globex", "domain": "globex.example", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "amount": amount,
        "margin_pct": margin_pct,
        "margin_amount": margin_amount,
        "status": status,
        "stage": stage,
        "conflict": False,
        "expected_close_date": "2030-02-15",
        "protection_expires_at": None,
        "approval_due_at": None,
        "extensions_used": 0,
        "created_at": now,
        "updated_at": now,
        "version": version,
        "partner": {"id": partner_id, "tier": tier, "territory": "west", "region": "NA", "channel_manager": "cm-1"},
        **extra,
    }


def deal_event(event_type: str, data: dict[str, Any]) -> CloudEvent:
    return new_event(event_type=event_type, service="dealreg", subject=data["id"], data=data)
