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
PERCENT = sa.Numeric(9, 4)
CURRENCY = sa.String(3)
TIMESTAMP = sa.DateTime(timezone=True)


def key(type_: Any = sa.Text) -> Any:
    """A column of the primary key."""
    return Field(sa_column=sa.Column(type_, primary_key=True))


def required(type_: Any, **options: Any) -> Any:
    """A NOT NULL column; `options` go to the column (index=True)."""
    return Field(sa_column=sa.Column(type_, nullable=False, **options))


def optional(type_: Any) -> Any:
    """A nullable column, None until set."""
    return Field(default=None, sa_column=sa.Column(type_))


def sequence() -> Any:
    """The order rows were inserted in (an identity column, set by the database)."""
    return Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), unique=True))


class ProgramRow(ServiceTable, table=True):
    __tablename__ = "programs"

    id: str = key()
    vendor_id: str = required(sa.Text, index=True)
    partner_id: str | None = optional(sa.Text)
    name: str = required(sa.Text)
    currency: str = required(CURRENCY)
    starts_on: date = required(sa.Date)
    ends_on: date = required(sa.Date)
    registration_reward_pct: Decimal = required(PERCENT)
    pay_registration_on: str = required(sa.Text)
    stage_bonuses: dict[str, Any] = required(JSONB)
    close_won_pct: Decimal = required(PERCENT)
    clawback_on_reject: bool = required(sa.Boolean)
    tier_multipliers: dict[str, Any] = required(JSONB)
    cap_per_deal: Decimal | None = optional(MONEY)
    budget: Decimal | None = optional(MONEY)
    created_at: datetime = required(TIMESTAMP)
    version: int = required(sa.Integer)
    # A proposal's program: its approval time; deals registered before it are not the program's.
    effective_from: datetime | None = optional(TIMESTAMP)


class DealProgramRow(ServiceTable, table=True):
    """A deal's program of record: the one that gave its first reward governs all the others."""

    __tablename__ = "deal_programs"

    deal_id: str = key()
    program_id: str = required(sa.Text)
    created_at: datetime = required(TIMESTAMP)


class DealCloseRow(ServiceTable, table=True):
    """A closed deal, as deal-closed told it: the partner's own history for the proposals' ROI gate."""

    __tablename__ = "deal_closes"

    deal_id: str = key()
    partner_id: str = required(sa.Text)
    vendor_id: str = required(sa.Text)
    outcome: str = required(sa.Text)
    amount: Decimal = required(MONEY)
    margin_pct: Decimal = required(PERCENT)
    currency: str = required(CURRENCY)
    closed_at: datetime = required(TIMESTAMP)


class EnrolmentRow(ServiceTable, table=True):
    """Who is enrolled with which vendor (from partners.v1); the highest version seen is kept."""

    __tablename__ = "enrolments"

    partner_id: str = key()
    vendor_id: str = key()
    name: str | None = optional(sa.Text)
    tier: int = required(sa.Integer)
    territory: str | None = optional(sa.Text)
    region: str | None = optional(sa.Text)
    channel_manager: str | None = optional(sa.Text)
    version: int = required(sa.Integer)
    updated_at: datetime = required(TIMESTAMP)


class AccountRow(ServiceTable, table=True):
    """A balance (credits minus debits); `non_negative` accounts (budgets) may not be overdrawn."""

    __tablename__ = "ledger_accounts"

    id: str = key()
    currency: str = required(CURRENCY)
    balance: Decimal = required(MONEY)
    non_negative: bool = required(sa.Boolean)


class TransferRow(ServiceTable, table=True):
    __tablename__ = "ledger_transfers"

    id: str = key()
    seq: int | None = sequence()
    kind: str = required(sa.Text)
    debit_account: str = required(sa.Text)
    credit_account: str = required(sa.Text)
    amount: Decimal = required(MONEY)
    currency: str = required(CURRENCY)
    created_at: datetime = required(TIMESTAMP)


class EntryRow(ServiceTable, table=True):
    __tablename__ = "ledger_postings"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    transfer_id: str = required(sa.Text)
    account: str = required(sa.Text)
    amount: Decimal = required(MONEY)
    currency: str = required(CURRENCY)
    created_at: datetime = required(TIMESTAMP)


class LedgerEntryRow(ServiceTable, table=True):
    """One rule's outcome as the rep sees it; unique per (deal, rule) so a redelivery adds nothing.

    `amount` is what was granted (negative for a clawback); `requested - amount` was cut
    by `cut_reason`. A rule cut to zero still has its row: the deal used that rule.
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (sa.UniqueConstraint("deal_id", "rule_key", name="ledger_entries_one_per_rule"),)

    id: str = key()
    seq: int | None = sequence()
    deal_id: str = required(sa.Text)
    rep_id: str = required(sa.Text)
    partner_id: str = required(sa.Text)
    vendor_id: str = required(sa.Text)
    program_id: str = required(sa.Text)
    kind: str = required(sa.Text)
    stage: str | None = optional(sa.Text)
    rule_key: str = required(sa.Text)
    amount: Decimal = required(MONEY)
    requested: Decimal = required(MONEY)
    cut: Decimal = required(MONEY)
    cut_reason: str | None = optional(sa.Text)
    currency: str = required(CURRENCY)
    event_id: str = required(sa.Text)
    transfer_id: str | None = optional(sa.Text)
    created_at: datetime = required(TIMESTAMP)


class PayoutRow(ServiceTable, table=True):
    __tablename__ = "payouts"

    id: str = key()
    vendor_id: str = required(sa.Text, index=True)
    up_to: datetime = required(TIMESTAMP)
    currency: str = required(CURRENCY)
    total: Decimal = required(MONEY)
    created_at: datetime = required(TIMESTAMP)


class PayoutLineRow(ServiceTable, table=True):
    __tablename__ = "payout_lines"

    payout_id: str = key()
    rep_id: str = key()
    partner_id: str = key()
    amount: Decimal = required(MONEY)
    entry_count: int = required(sa.Integer)


class PayoutItemRow(ServiceTable, table=True):
    """Which batch settled a ledger entry; the primary key makes a second batch impossible."""

    __tablename__ = "payout_items"

    entry_id: str = key()
    payout_id: str = required(sa.Text, index=True)


class VendorPolicyRow(ServiceTable, table=True):
    """A vendor's bar for partners' build-your-own programs: ceilings, assumptions, the ROI approved at once.

    A NULL ceiling or assumption is the documented default (domain.policy.DEFAULT_POLICY).
    """

    __tablename__ = "incentive_policies"

    vendor_id: str = key()
    min_roi: Decimal = required(sa.Numeric(12, 4))
    max_registration_reward_pct: Decimal | None = optional(PERCENT)
    max_tier_multiplier: Decimal | None = optional(sa.Numeric(6, 4))
    max_budget: Decimal | None = optional(MONEY)
    max_cap_per_deal: Decimal | None = optional(MONEY)
    assumed_win_rate: Decimal | None = optional(sa.Numeric(6, 4))
    assumed_avg_deal_amount: Decimal | None = optional(MONEY)
    assumed_margin_pct: Decimal | None = optional(PERCENT)
    version: int = Field(default=1, sa_column=sa.Column(sa.Integer, nullable=False))
    updated_at: datetime = required(TIMESTAMP)


class ProposalRow(ServiceTable, table=True):
    __tablename__ = "program_proposals"

    id: str = key()
    vendor_id: str = required(sa.Text, index=True)
    partner_id: str = required(sa.Text, index=True)
    program: dict[str, Any] = required(JSONB)
    forecast: dict[str, Any] = required(JSONB)
    simulation: dict[str, Any] = required(JSONB)
    roi: Decimal | None = optional(sa.Numeric())
    min_roi: Decimal | None = optional(sa.Numeric(12, 4))
    status: str = required(sa.Text)
    program_id: str | None = optional(sa.Text)
    created_at: datetime = required(TIMESTAMP)
    decided_at: datetime | None = optional(TIMESTAMP)
    gate: dict[str, Any] | None = optional(JSONB)
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
