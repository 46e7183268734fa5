"""The quarter a request names, and who may touch a vendor's resources: the checks every use case shares."""

from __future__ import annotations

from datetime import UTC, datetime

from pipeline.domain.periods import Quarter, current_period
from servicekit.access import require_vendor_access as require_vendor_access  # shared by every service
from servicekit.errors import InvalidInput


def quarter_of(text: str | None, loc: list[str]) -> Quarter:
    """The quarter a request names ("2026Q4"; None: the current one); 422 naming `loc` otherwise."""
    if text is None:
        return current_period(datetime.now(UTC))
    try:
        return Quarter.parse(text)
    except ValueError as exc:
        raise InvalidInput([{"loc": loc, "msg": str(exc), "type": "value_error"}]) from None
