"""pipeline's tables (SQLModel)."""

from __future__ import annotations

from events.tables import OutboxRow, ProcessedEvent  # noqa: F401  (same metadata)
