"""Scene builders for dealreg integration tests: partners, policies and registrations over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import httpx


class Scene:
    """A running dealreg plus tokens and builders for partners, policies and registrations."""

    def __init__(self, client: httpx.AsyncClient, app: Any, token: Callable[..., dict[str, str]]) -> None:
        self.client = client
        self.app = app
        self.token = token
        self.vendor = f"v-{uuid.uuid4().hex[:8]}"
        self.admin = token("admin", sub="admin-1")
        self.vendor_h = token("vendor", sub="approver-1", vendor_id=self.vendor)

    def partner_h(self, partner_id: str, sub: str = "rep-7") -> dict[str, str]:
        return self.token("partner", sub=sub, partner_id=partner_id)

    async def partner(self, partner_id: str | None = None, tier: int = 2, vendor_ids: list[str] | None = None) -> str:
        partner_id = partner_id or f"p-{uuid.uuid4().hex[:8]}"
        body = {
            "name": f"Partner {partner_id}",
            "tier": tier,
            "territory": "west",
            "region": "NA",
            "channel_manager": "cm-1",
            "vendor_ids": vendor_ids if vendor_ids is not None else [self.vendor],
        }
        r = await self.client.put(f"/v1/partners/{partner_id}", json=body, headers=self.admin)
        assert r.status_code in (200, 201), r.text
        return partner_id

    async def policy(self, **fields: Any) -> dict[str, Any]:
        r = await self.client.put(f"/v1/vendors/{self.vendor}/approval-policy", json=fields, headers=self.vendor_h)
        assert r.status_code in (200, 201), r.text
        return dict(r.json())

    def deal_body(self, **overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "vendor_id": self.vendor,
            "rep": {"id": "rep-7", "email": "rep7@partner.example", "name": "Ana Ruiz"},
            "customer": {"name": "Globex Corporation", "domain": "globex.com", "country": "US"},
            "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
            "currency": "USD",
            "margin_pct": "25",
            "expected_close_date": (date.today() + timedelta(days=60)).isoformat(),
        }
        body.update(overrides)
        return body

    async def register(self, partner_id: str, expect: int = 201, **overrides: Any) -> dict[str, Any]:
        r = await self.client.post("/v1/deals", json=self.deal_body(**overrides), headers=self.partner_h(partner_id))
        assert r.status_code == expect, r.text
        return dict(r.json())
