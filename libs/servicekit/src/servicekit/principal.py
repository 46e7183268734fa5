"""Who is calling: the verified claims of a token, and the tenancy questions about them.

Plain Python so that service layers can reason about tenancy without the web framework.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    PARTNER = "partner"
    AGGREGATOR = "aggregator"
    VENDOR = "vendor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    role: Role
    sub: str
    partner_id: str | None = None
    partner_ids: frozenset[str] = field(default_factory=frozenset)
    vendor_id: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def scope_key(self) -> str:
        """A stable identity for per-principal state (idempotency keys, rate limits)."""
        tenant = self.vendor_id or self.partner_id or json.dumps(sorted(self.partner_ids))
        return f"{self.role.value}:{tenant}:{self.sub}"

    def acts_for_partner(self, partner_id: str) -> bool:
        """May this caller act on behalf of (and read the data of) this partner?"""
        if self.role is Role.ADMIN:
            return True
        if self.role is Role.PARTNER:
            return self.partner_id == partner_id
        if self.role is Role.AGGREGATOR:
            return partner_id in self.partner_ids
        return False

    def acts_for_vendor(self, vendor_id: str) -> bool:
        return self.role is Role.ADMIN or (self.role is Role.VENDOR and self.vendor_id == vendor_id)

    def sees(self, *, vendor_id: str, partner_id: str) -> bool:
        """Can this caller see an object belonging to this vendor and partner?"""
        return self.acts_for_vendor(vendor_id) or self.acts_for_partner(partner_id)
