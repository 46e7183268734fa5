"""Vendor approval policies: read (defaults when none) and replace."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from dealreg.adapters.mapping import policy_from_row
from dealreg.adapters.tables import VendorPolicyRow
from dealreg.api.schemas import PolicyIn
from dealreg.service.views import policy_json
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal, Role
from servicekit.problems import Problem, not_found


def _require_vendor(principal: Principal, vendor_id: str) -> None:
    if principal.acts_for_vendor(vendor_id):
        return
    if principal.role is Role.VENDOR:
        raise not_found("approval policy")  # another vendor's policy does not exist for this caller
    raise Problem(403, "Only the vendor (or an admin) manages its approval policy.")


async def get_policy(session: AsyncSession, principal: Principal, vendor_id: str) -> dict[str, Any]:
    _require_vendor(principal, vendor_id)
    row = await session.get(VendorPolicyRow, vendor_id)
    return policy_json(vendor_id, policy_from_row(row), version=row.version if row else 0, is_default=row is None)


async def put_policy(
    session: AsyncSession, principal: Principal, vendor_id: str, body: PolicyIn, if_match: str | None
) -> tuple[dict[str, Any], bool]:
    """Create or replace; returns (policy JSON, created)."""
    _require_vendor(principal, vendor_id)
    now = datetime.now(UTC)
    row = await session.get(VendorPolicyRow, vendor_id, with_for_update=True)
    check_if_match(if_match, row.version if row else 0)
    values = body.model_dump()
    values["auto_approve_tiers"] = sorted(set(values["auto_approve_tiers"]))
    created = row is None
    if row is None:
        row = VendorPolicyRow(vendor_id=vendor_id, created_at=now, updated_at=now, version=0, **values)
        session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
        row.updated_at = now
    row.version += 1
    policy = policy_from_row(row)  # the domain's own checks, before anything is committed
    await session.flush()
    return policy_json(vendor_id, policy, version=row.version, is_default=False), created
