"""How a deal looks to a caller and in events (the contract's JSON)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from servicekit.money import format_money
from servicekit.principal import Principal

from dealreg.adapters.tables import DealRow, PartnerRow


def _pct(value: Decimal) -> str:
    # "25" rather than "25.0000": percentages are written as given.
    text = format(value.normalize(), "f")
    return text


def deal_json(row: DealRow, viewer: Principal | None) -> dict[str, Any]:
    """The deal as GET returns it. Other partners' deal ids are shown only to the vendor (and admin)."""
    body: dict[str, Any] = {
        "id": row.id,
        "vendor_id": row.vendor_id,
        "partner_id": row.partner_id,
        "rep": row.rep,
        "customer": row.customer,
        "products": row.products,
        "currency": row.currency,
        "amount": format_money(row.amount),
        "margin_pct": _pct(row.margin_pct),
        "margin_amount": format_money(row.margin_amount),
        "status": row.status,
        "stage": row.stage,
        "conflict": row.conflict,
        "conflict_reasons": list(row.conflict_reasons),
        "expected_close_date": row.expected_close_date.isoformat() if row.expected_close_date else None,
        "protection_expires_at": _iso(row.protection_expires_at),
        "approval_due_at": _iso(row.approval_due_at),
        "extensions_used": row.extensions_used,
        "final_amount": format_money(row.final_amount) if row.final_amount is not None else None,
        "closed_on": row.closed_on.isoformat() if row.closed_on else None,
        "outcome": row.outcome,
        "external_ref": row.external_ref,
        "notes": row.notes,
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
        "version": row.version,
    }
    if viewer is None or viewer.acts_for_vendor(row.vendor_id):
        body["conflicting_deal_ids"] = list(row.conflicting_deal_ids)
    return body


def deal_event_data(row: DealRow, partner: PartnerRow) -> dict[str, Any]:
    """The data of a deal event: the deal (as its vendor sees it) plus the partner's attributes."""
    data = deal_json(row, viewer=None)
    data["partner"] = {
        "id": partner.id,
        "tier": partner.tier,
        "territory": partner.territory,
        "region": partner.region,
        "channel_manager": partner.channel_manager,
    }
    return data


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None
