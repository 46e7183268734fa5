"""pipeline's tables (SQLModel): the deal read model, its figure totals, policies, plans and at-risk flags.

Money is NUMERIC(18, 2); indexes, probabilities and thresholds are unconstrained NUMERIC so a
value reads back exactly as the vendor wrote it ("2.0" stays "2.0").
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from events.tables import OutboxRow, ProcessedEvent  # noqa: F401  (same metadata)
from pipeline.domain.totals import STAGES


class ServiceTable(SQLModel, registry=registry()):
    """Base of pipeline's tables: its own metadata, so no other service's table names can clash with them."""


TS = sa.DateTime(timezone=True)


def _key() -> Any:
    """A text column of the primary key."""
    return Field(sa_column=sa.Column(sa.Text, primary_key=True))


def _stamp() -> Any:
    """A required timestamp (timestamptz NOT NULL)."""
    return Field(sa_column=sa.Column(TS, nullable=False))


class DealRow(ServiceTable, table=True):
    """One deal as the pipeline sees it (a DealSnapshot), placed in the period it counts in."""

    __tablename__ = "deals"
    __table_args__ = (sa.Index("deals_by_partner_period", "vendor_id", "period", "partner_id"),)

    deal_id: str = _key()
    vendor_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    partner_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    # The quarter of the deal's period date ("2026Q4"); None when it has no close date at all.
    period: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    tier: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    territory: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    region: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    channel_manager: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    amount: Decimal = Field(sa_column=sa.Column(sa.Numeric(18, 2), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    status: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    stage: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    expected_close_date: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    closed_on: date | None = Field(default=None, sa_column=sa.Column(sa.Date))
    outcome: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    final_amount: Decimal | None = Field(default=None, sa_column=sa.Column(sa.Numeric(18, 2)))
    created_at: datetime = _stamp()
    last_event_time: datetime = _stamp()
    last_sequence: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger))


class PolicyRow(ServiceTable, table=True):
    __tablename__ = "pipeline_policies"

    vendor_id: str = _key()
    total_index: Decimal = Field(sa_column=sa.Column(sa.Numeric, nullable=False))
    risk_adjusted_index: Decimal = Field(sa_column=sa.Column(sa.Numeric, nullable=False))
    stage_probabilities: dict[str, Any] = Field(sa_column=sa.Column(JSONB, nullable=False))  # stage -> "0.25"
    at_risk_threshold: Decimal = Field(sa_column=sa.Column(sa.Numeric, nullable=False))
    updated_at: datetime = _stamp()
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class PlanRow(ServiceTable, table=True):
    __tablename__ = "partner_plans"

    partner_id: str = _key()
    vendor_id: str = _key()
    period: str = _key()
    revenue_target: Decimal = Field(sa_column=sa.Column(sa.Numeric(18, 2), nullable=False))
    currency: str = Field(sa_column=sa.Column(sa.String(3), nullable=False))
    updated_at: datetime = _stamp()
    version: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))


class PartnerAttributesRow(ServiceTable, table=True):
    """What rollups group a partner by, as its most recent deal event showed them (kept by the
    consumer as deals arrive, so a rollup reads one row per partner instead of its deals)."""

    __tablename__ = "partner_attributes"

    vendor_id: str = _key()
    partner_id: str = _key()
    tier: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    territory: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    region: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    channel_manager: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    last_event_time: datetime = _stamp()


class PartnerEnrolmentRow(ServiceTable, table=True):
    """A partner's enrolment with one vendor, as dealreg's partners.v1 events show it (the highest
    `version` wins). A plan needs one; rollups group by its terms (service/enrolments.py)."""

    __tablename__ = "partner_enrolments"
    __table_args__ = (sa.Index("partner_enrolments_by_vendor", "vendor_id"),)

    partner_id: str = _key()
    vendor_id: str = _key()
    name: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    tier: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    territory: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    region: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    channel_manager: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    # 0: seeded by the migration from deal data, replaced by any event (dealreg starts at 1).
    version: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False))
    updated_at: datetime = _stamp()


class AtRiskFlagRow(ServiceTable, table=True):
    """Whether a pipeline-at-risk event is outstanding (the hysteresis state)."""

    __tablename__ = "at_risk_flags"

    partner_id: str = _key()
    vendor_id: str = _key()
    period: str = _key()
    at_risk: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    updated_at: datetime = _stamp()


# The per-stage columns of figure_totals, in the domain's STAGES order.
OPEN_COUNT_COLUMNS: tuple[str, ...] = tuple(f"open_count_{stage.value}" for stage in STAGES)
OPEN_AMOUNT_COLUMNS: tuple[str, ...] = tuple(f"open_amount_{stage.value}" for stage in STAGES)
SUM_COLUMNS: tuple[str, ...] = (
    *OPEN_COUNT_COLUMNS,
    *OPEN_AMOUNT_COLUMNS,
    "won_count",
    "won_amount",
    "lost_count",
    "cycle_days",
    "cycle_count",
    "deal_count",
)
MONEY_SUM_COLUMNS = frozenset({*OPEN_AMOUNT_COLUMNS, "won_amount"})


def figure_totals_table(metadata: sa.MetaData) -> sa.Table:
    """figure_totals: the PeriodTotals of each (partner, vendor, period, currency), the sum of its
    deals' contributions, kept in the transaction that changes the deals (currencies are never
    added together). Money sums are unconstrained NUMERIC (a sum of cents stays exact however
    large); counts and days are BIGINT."""
    return sa.Table(
        "figure_totals",
        metadata,
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        *(
            sa.Column(name, sa.Numeric if name in MONEY_SUM_COLUMNS else sa.BigInteger, nullable=False)
            for name in SUM_COLUMNS
        ),
        # A rollup reads one vendor's period: every partner's row of it.
        sa.Index("figure_totals_by_vendor_period", "vendor_id", "period"),
    )


FIGURE_TOTALS = figure_totals_table(ServiceTable.metadata)
