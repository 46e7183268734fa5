"""Read side: a deal, the deal list (filters + keyset pagination), a deal's history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dealreg.domain.deals import Deal
from dealreg.service.ports import DealFilter, DealStore
from dealreg.service.views import deal_json, history_json
from servicekit.cursors import decode_cursor, next_cursor
from servicekit.errors import NotFound
from servicekit.principal import Principal, Role


async def visible_deal(store: DealStore, principal: Principal, deal_id: str) -> Deal:
    deal = await store.get_deal(deal_id)
    if deal is None or not principal.sees(vendor_id=deal.vendor_id, partner_id=deal.partner_id):
        raise NotFound("deal")
    return deal


def tenancy(principal: Principal) -> DealFilter:
    """What the caller may see at all: filters only ever narrow it."""
    if principal.role is Role.PARTNER:
        return DealFilter(tenant_partner_ids=[principal.partner_id or ""])
    if principal.role is Role.AGGREGATOR:
        return DealFilter(tenant_partner_ids=sorted(principal.partner_ids))
    if principal.role is Role.VENDOR:
        return DealFilter(tenant_vendor_id=principal.vendor_id or "")
    return DealFilter()


async def list_deals(
    store: DealStore, principal: Principal, where: DealFilter, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    """Deals the caller may see (`where`'s tenancy is replaced by the caller's), oldest first by (created_at, id)."""
    seen = tenancy(principal)
    where = DealFilter(
        tenant_partner_ids=seen.tenant_partner_ids, tenant_vendor_id=seen.tenant_vendor_id, status=where.status,
        stage=where.stage, partner_id=where.partner_id, vendor_id=where.vendor_id, updated_after=where.updated_after,
    )  # fmt: skip
    key = decode_cursor(cursor, {"c": datetime, "i": str})
    after = (key["c"], str(key["i"])) if key is not None else None
    deals = await store.list_deals(where, after, limit + 1)
    page, nxt = next_cursor(deals, limit, lambda d: {"c": d.created_at.isoformat(), "i": d.id})
    return {"items": [deal_json(d, principal) for d in page], "next_cursor": nxt}


async def deal_history(
    store: DealStore, principal: Principal, deal_id: str, *, limit: int, cursor: str | None
) -> dict[str, Any]:
    await visible_deal(store, principal, deal_id)
    key = decode_cursor(cursor, {"h": int})
    entries = await store.history(deal_id, key["h"] if key is not None else None, limit + 1)
    page, nxt = next_cursor(entries, limit, lambda e: {"h": e.id})
    return {"items": [history_json(e) for e in page], "next_cursor": nxt}
