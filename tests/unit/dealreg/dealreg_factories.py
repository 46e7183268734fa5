"""Builders for dealreg domain tests: a deal in any state, without going through I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from dealreg.domain.deals import (
    Customer,
    Deal,
    DealDraft,
    DealStage,
    DealStatus,
    LineItem,
    Rep,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def draft(**overrides: object) -> DealDraft:
    base = DealDraft(
        vendor_id="acme",
        partner_id="p-100",
        rep=Rep(id="rep-7", email="rep7@partner.example", name="Ana Ruiz"),
        customer=Customer(name="Globex Corporation", domain="globex.com", country="US"),
        products=(LineItem(sku="FW-500", quantity=10, unit_price=Decimal("1200.00")),),
        currency="USD",
        margin_pct=Decimal("25"),
        expected_close_date=date(2027, 2, 15),
    )
    return replace(base, **overrides)


def deal(
    status: DealStatus = DealStatus.PENDING_APPROVAL,
    stage: DealStage = DealStage.REGISTERED,
    **overrides: object,
) -> Deal:
    """A deal registered at T0; approved ones are protected for 90 days from T0."""
    base = Deal(
        id="d-1",
        vendor_id="acme",
        partner_id="p-100",
        rep=Rep(id="rep-7"),
        customer=Customer(name="Globex Corporation", domain="globex.com"),
        products=(LineItem(sku="FW-500", quantity=10, unit_price=Decimal("1200.00")),),
        currency="USD",
        amount=Decimal("12000.00"),
        margin_pct=Decimal("25"),
        margin_amount=Decimal("3000.00"),
        status=status,
        stage=stage,
        approval_due_at=T0 + timedelta(hours=96),
        created_at=T0,
        updated_at=T0,
        version=3,
        protection_expires_at=T0 + timedelta(days=90) if status is not DealStatus.PENDING_APPROVAL else None,
    )
    return replace(base, **overrides)
