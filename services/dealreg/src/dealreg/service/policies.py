"""Vendor approval policies: read (defaults when none) and replace."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from dealreg.domain.policy import DEFAULT_POLICY, ApprovalPolicy
from dealreg.service.ports import DealStore
from dealreg.service.views import policy_json
from servicekit.errors import Forbidden, NotFound
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal, Role


def _require_vendor(principal: Principal, vendor_id: str) -> None:
    if principal.acts_for_vendor(vendor_id):
        return
    if principal.role is Role.VENDOR:
        raise NotFound("approval policy")  # another vendor's policy does not exist for this caller
    raise Forbidden("Only the vendor (or an admin) manages its approval policy.")


async def get_policy(store: DealStore, principal: Principal, vendor_id: str) -> dict[str, Any]:
    _require_vendor(principal, vendor_id)
    stored = await store.policy(vendor_id)
    if stored is None:
        return policy_json(vendor_id, DEFAULT_POLICY, version=0, is_default=True)
    return policy_json(vendor_id, stored.policy, version=stored.version, is_default=False)


async def put_policy(
    store: DealStore, principal: Principal, vendor_id: str, policy: ApprovalPolicy, if_match: str | None
) -> tuple[dict[str, Any], bool]:
    """Create or replace; returns (policy JSON, created)."""
    _require_vendor(principal, vendor_id)
    stored = await store.policy(vendor_id, lock=True)
    check_if_match(if_match, stored.version if stored else 0)
    version = (stored.version if stored else 0) + 1
    await store.save_policy(vendor_id, policy, version, datetime.now(UTC))
    return policy_json(vendor_id, policy, version=version, is_default=False), stored is None
