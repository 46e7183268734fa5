"""incentives' tables (SQLModel). Money is NUMERIC; the ledger is append-only."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from events.tables import OutboxRow, ProcessedEvent  # noqa: F401  (same metadata)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel


class ProgramRow(SQLModel, table=True):
    __tablename__ = "programs"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    name: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    starts_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    ends_on: date = Field(sa_column=sa.Column(sa.Date, nullable=False))
    registration_reward_pct: Decimal = Field(sa_column=sa.Column(sa.Numeric(9, 4), nullable=False))
    pay_registration_on: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    stage_bonuses: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    close_won_pct: Decimal = Field(sa_column=sa.Column(sa.Numeric(9, 4), nullable=False))
    clawback_on_reject: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    tier_multipliers: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    cap_per_deal: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(18, 2)))
    budget: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(18, 2)))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class LedgerEntryRow(SQLModel, table=True):
    """One reward or reversal as the rep sees it; unique per (deal, rule) so a redelivery adds nothing."""

    __tablename__ = "ledger_entries"
    __table_args__ = (sa.UniqueConstraint("deal_id", "rule_key", name="ledger_entries_one_per_rule"),)

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), unique=True))
    deal_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    rep_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    program_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    stage: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    rule_key: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: Decimal = Field(sa_column=sa.Column(sa.Numeric(18, 2), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    event_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
