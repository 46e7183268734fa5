"""dealreg's tables (SQLModel). Money is NUMERIC, times are timestamptz (UTC), durations INTERVAL."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from events.tables import OutboxRow, ProcessedEvent  # noqa: F401  (same metadata)


class ServiceTable(SQLModel, registry=registry()):
    """Base of dealreg's tables: its own metadata, so no other service's table names can clash with them."""


def _ts(nullable: bool = False) -> Any:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable)


class PartnerRow(ServiceTable, table=True):
    """A partner's profile: its name. Its terms live in its enrolments, one per vendor."""

    __tablename__ = "partners"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    # Bumped by every change of the profile or of any of its enrolments (the admin's and partner's view).
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class EnrollmentRow(ServiceTable, table=True):
    """A partner's terms with one vendor. `active` is false only for a vendor the partner had left
    before enrolments existed: its deals keep their terms, but no new deal is registered."""

    __tablename__ = "partner_enrollments"

    partner_id: str = Field(
        sa_column=sa.Column(sa.Text, sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True)
    )
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    tier: int = Field(sa_column=sa.Column(sa.SmallInteger, nullable=False))
    territory: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    region: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    channel_manager: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    active: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class VendorPolicyRow(ServiceTable, table=True):
    __tablename__ = "vendor_policies"

    vendor_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    auto_approve_max_amount: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(18, 2)))
    auto_approve_tiers: list[int] = Field(sa_column=sa.Column(ARRAY(sa.SmallInteger), nullable=False))
    auto_approve_currency: str | None = Field(default=None, sa_column=sa.Column(sa.String(3)))
    approval_sla: timedelta = Field(sa_column=sa.Column(sa.Interval, nullable=False))
    on_sla_breach: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    protection_period: timedelta = Field(sa_column=sa.Column(sa.Interval, nullable=False))
    max_extensions: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    extension_period: timedelta = Field(sa_column=sa.Column(sa.Interval, nullable=False))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class DealRow(ServiceTable, table=True):
    __tablename__ = "deals"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    rep: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    customer: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    # Normalized customer keys (domain.customers): conflict matching is an index lookup, not a scan.
    customer_domain_key: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    customer_name_key: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    products: list[dict[str, Any]] = Field(sa_column=sa.Column(JSONB, nullable=False))
    # Normalized SKUs (domain.deals.normalize_sku), for the product-overlap rule.
    skus: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    amount: Decimal = Field(sa_column=sa.Column(sa.Numeric(18, 2), nullable=False))
    margin_pct: Decimal = Field(sa_column=sa.Column(sa.Numeric(9, 4), nullable=False))
    margin_amount: Decimal = Field(sa_column=sa.Column(sa.Numeric(18, 2), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    stage: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    conflict: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    conflict_reasons: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    conflicting_deal_ids: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    expected_close_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    protection_expires_at: datetime | None = Field(default=None, sa_column=_ts(True))
    approval_due_at: datetime = Field(sa_column=_ts())
    approval_overdue_at: datetime | None = Field(default=None, sa_column=_ts(True))
    extensions_used: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=_ts(True))
    decided_by: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decision_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    expired_at: datetime | None = Field(default=None, sa_column=_ts(True))
    final_amount: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(18, 2)))
    closed_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    closed_at: datetime | None = Field(default=None, sa_column=_ts(True))
    close_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    external_ref: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class DealHistoryRow(ServiceTable, table=True):
    __tablename__ = "deal_history"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    deal_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    type: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    at: datetime = Field(sa_column=_ts())
    actor: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    data: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
