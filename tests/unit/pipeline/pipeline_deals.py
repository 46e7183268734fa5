"""Test deals of the pipeline's unit tests: a deal's JSON as deals.v1 events carry it, and a
DealSnapshot that each test file's builder changes only where it varies."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus

T0 = datetime(2026, 10, 1, 9, tzinfo=UTC)


def deal_data(deal_id: str = "d-1", version: int = 1, **changes: Any) -> dict[str, Any]:
    """A registered deal's JSON (of partner p-1, with vendor acme), with `changes` over it."""
    return {
        "id": deal_id,
        "vendor_id": "acme",
        "partner_id": "p-1",
        "currency": "USD",
        "amount": "1000.00",
        "status": "pending_approval",
        "stage": "registered",
        "expected_close_date": "2026-11-15",
        "created_at": T0.isoformat(),
        "version": version,
        **changes,
    }


# An approved deal of 1000.00 USD registered at T0, expected to close in 2026Q4 (no partner attributes).
SNAPSHOT = DealSnapshot(
    deal_id="d-1", vendor_id="acme", partner_id="p1", tier=None, territory=None, region=None, channel_manager=None,
    amount=Decimal("1000.00"), currency="USD", status=DealStatus.APPROVED, stage=DealStage.REGISTERED,
    expected_close_date=date(2026, 11, 15), closed_on=None, outcome=None, final_amount=None,
    created_at=T0, last_event_time=T0, last_sequence=1,
)  # fmt: skip


def deal_snapshot(**changes: Any) -> DealSnapshot:
    """SNAPSHOT with `changes` (DealSnapshot's field names) over it."""
    return replace(SNAPSHOT, **changes)
