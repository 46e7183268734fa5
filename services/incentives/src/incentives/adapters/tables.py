"""incentives' tables (SQLModel). Money is NUMERIC; every ledger table is append-only (see 0001)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from events.tables import OutboxRow, ProcessedEvent  # noqa: F401  (same metadata)
from events.vocabulary import DealStage
from incentives.domain import programs as domain
from incentives.service.ports import ProgramRecord


class ServiceTable(SQLModel, registry=registry()):
    """Base of incentives's tables: its own metadata, so no other service's table names can clash with them."""


MONEY = sa.Numeric(18, 2)


class ProgramRow(ServiceTable, table=True):
    __tablename__ = "programs"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    partner_id: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
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
    cap_per_deal: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY))
    budget: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    # A proposal's program: its approval time; deals registered before it are not the program's.
    effective_from: datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))


class DealProgramRow(ServiceTable, table=True):
    """A deal's program of record: the one that gave its first reward governs all the others."""

    __tablename__ = "deal_programs"

    deal_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    program_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class DealCloseRow(ServiceTable, table=True):
    """A closed deal, as deal-closed told it: the partner's own history for the proposals' ROI gate."""

    __tablename__ = "deal_closes"

    deal_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    outcome: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    margin_pct: Decimal = Field(sa_column=sa.Column(sa.Numeric(9, 4), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    closed_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class EnrolmentRow(ServiceTable, table=True):
    """Who is enrolled with which vendor (from partners.v1); the highest version seen is kept."""

    __tablename__ = "enrolments"

    partner_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    name: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    tier: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    territory: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    region: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    channel_manager: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class AccountRow(ServiceTable, table=True):
    """A balance (credits minus debits); `non_negative` accounts (budgets) may not be overdrawn."""

    __tablename__ = "ledger_accounts"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    balance: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    non_negative: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))


class TransferRow(ServiceTable, table=True):
    __tablename__ = "ledger_transfers"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    seq: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), unique=True))
    kind: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    debit_account: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    credit_account: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class EntryRow(ServiceTable, table=True):
    __tablename__ = "ledger_postings"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    transfer_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    account: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class LedgerEntryRow(ServiceTable, table=True):
    """One rule's outcome as the rep sees it; unique per (deal, rule) so a redelivery adds nothing.

    `amount` is what was granted (negative for a clawback); `requested - amount` was cut
    by `cut_reason`. A rule cut to zero still has its row: the deal used that rule.
    """

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
    amount: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    requested: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    cut: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    cut_reason: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    event_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    transfer_id: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class PayoutRow(ServiceTable, table=True):
    __tablename__ = "payouts"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    up_to: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    total: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class PayoutLineRow(ServiceTable, table=True):
    __tablename__ = "payout_lines"

    payout_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    rep_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    amount: Decimal = Field(sa_column=sa.Column(MONEY, nullable=False))
    entry_count: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class PayoutItemRow(ServiceTable, table=True):
    """Which batch settled a ledger entry; the primary key makes a second batch impossible."""

    __tablename__ = "payout_items"

    entry_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    payout_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))


class VendorPolicyRow(ServiceTable, table=True):
    """A vendor's bar for partners' build-your-own programs: ceilings, assumptions, the ROI approved at once.

    A NULL ceiling or assumption is the documented default (domain.policy.DEFAULT_POLICY).
    """

    __tablename__ = "incentive_policies"

    vendor_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    min_roi: Decimal = Field(sa_column=sa.Column(sa.Numeric(12, 4), nullable=False))
    max_registration_reward_pct: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(9, 4)))
    max_tier_multiplier: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(6, 4)))
    max_budget: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY))
    max_cap_per_deal: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY))
    assumed_win_rate: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(6, 4)))
    assumed_avg_deal_amount: Decimal | None = Field(default=None, sa_column=sa.Column(MONEY))
    assumed_margin_pct: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(9, 4)))
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))


class ProposalRow(ServiceTable, table=True):
    __tablename__ = "program_proposals"

    id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, index=True))
    program: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    forecast: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    simulation: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))
    roi: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric()))
    min_roi: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(12, 4)))
    status: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    program_id: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False))
    decided_at: datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))
    gate: dict[str, Any] | None = Field(default=None, sa_column=sa.Column(JSONB))
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False))


# The program's columns that are the domain program's fields as they are.
PROGRAM_COLUMNS = ("id", "vendor_id", "partner_id", "name", "currency", "starts_on", "ends_on", "effective_from")


def to_domain(row: ProgramRow) -> domain.Program:
    """The domain program of a row; no budget is unlimited."""
    return domain.Program(
        **{name: getattr(row, name) for name in PROGRAM_COLUMNS},
        registration_reward_pct=Decimal(row.registration_reward_pct),
        pay_registration_on=domain.PayRegistrationOn(row.pay_registration_on),
        stage_bonuses={DealStage(k): Decimal(str(v)) for k, v in row.stage_bonuses.items()},
        close_won_pct=Decimal(row.close_won_pct),
        clawback_on_reject=row.clawback_on_reject,
        tier_multipliers={int(k): Decimal(str(v)) for k, v in row.tier_multipliers.items()},
        cap_per_deal=row.cap_per_deal,
        budget=row.budget if row.budget is not None else domain.UNLIMITED,
    )


def to_record(row: ProgramRow) -> ProgramRecord:
    return ProgramRecord(
        program=to_domain(row),
        budget=row.budget,
        stage_bonuses=row.stage_bonuses,
        tier_multipliers=row.tier_multipliers,
        created_at=row.created_at,
        version=row.version,
    )
