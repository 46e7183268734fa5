"""Who may act on a vendor's resources: plain Python, for use cases and routes alike."""

from __future__ import annotations

from servicekit.errors import Forbidden, NotFound
from servicekit.principal import Principal, Role


def require_vendor_access(principal: Principal, vendor_id: str, what: str) -> None:
    """Vendor-level resources: another vendor's answer 404 (never reveal it), other roles 403."""
    if principal.acts_for_vendor(vendor_id):
        return
    if principal.role is Role.VENDOR:
        raise NotFound("vendor resource")
    raise Forbidden(f"Only the vendor or an admin may {what}.")
