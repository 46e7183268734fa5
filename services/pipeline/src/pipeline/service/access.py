"""Who may touch a vendor's resources, and the quarter a request names: the checks every use case shares."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.domain.periods import Quarter, current_period
from servicekit.errors import Forbidden, InvalidInput, NotFound
from servicekit.principal import Principal, Role


def require_vendor_access(principal: Principal, vendor_id: str, what: str) -> None:
    """Vendor-level resources: another vendor's answer 404 (never reveal it), other roles 403."""
    if principal.acts_for_vendor(vendor_id):
        return
    if principal.role is Role.VENDOR:
        raise NotFound("vendor resource")
    raise Forbidden(f"Only the vendor or an admin may {what}.")


def quarter_of(text: str | None, loc: list[str]) -> Quarter:
    """The quarter a request names ("2026Q4"; None: the current one); 422 naming `loc` otherwise."""
    if text is None:
        return current_period(datetime.now(UTC))
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise InvalidInput([{"loc": loc, "msg": str(exc), "type": "value_error"}]) from None
