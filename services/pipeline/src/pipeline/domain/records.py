"""What pipeline stores besides the deal read model, as the use cases see it: plans and the
version of a vendor's policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


@dataclass(frozen=True)
class Plan:
    """A partner's revenue target with one vendor for one quarter."""

    partner_id: str
    vendor_id: str
    period: str
    revenue_target: Decimal
    currency: str
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class PolicyVersion:
    """When a vendor last set its policy, and which version that made (none: the defaults apply)."""

    updated_at: datetime
    version: int
