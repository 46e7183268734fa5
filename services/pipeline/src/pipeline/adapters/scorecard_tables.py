"""Scorecard tables (migration 0004): per-deal facts, per-(vendor, partner, period) totals kept by
the consumer, reward entries and their per-currency sums, and each vendor's weights."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from pipeline.adapters.tables import TS, ServiceTable


def scorecard_tables(metadata: sa.MetaData) -> tuple[sa.Table, sa.Table, sa.Table, sa.Table, sa.Table]:
    deals = sa.Table(
        "scorecard_deals",
        metadata,
        sa.Column("deal_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("registered_period", sa.Text, nullable=False),
        sa.Column("closed_period", sa.Text),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text),
        sa.Column("final_amount", sa.Numeric(18, 2)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("closed_on_days", sa.Integer),
        sa.Column("decided_at", TS),
        sa.Column("overdue", sa.Boolean, nullable=False),
        sa.Column("conflict", sa.Boolean, nullable=False),
        # _registered: a key's cohort (its median's middle decisions). No query needs _closed since
        # the totals move by deltas (#22); dropping it takes a migration.
        sa.Index("scorecard_deals_registered", "vendor_id", "partner_id", "registered_period"),
        sa.Index("scorecard_deals_closed", "vendor_id", "partner_id", "closed_period"),
    )
    periods = sa.Table(
        "scorecard_periods",
        metadata,
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("totals", JSONB, nullable=False),  # domain.scorecards.CohortTotals
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("producing", sa.Boolean, nullable=False),
    )
    rewards = sa.Table(
        "scorecard_reward_entries",
        metadata,
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    )
    reward_totals = sa.Table(
        "scorecard_reward_totals",
        metadata,
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("net", sa.Numeric, nullable=False),
    )
    weights = sa.Table(
        "scorecard_weights",
        metadata,
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("weights", JSONB, nullable=False),  # metric -> "1.5"
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    return deals, periods, rewards, reward_totals, weights


SCORECARD_DEALS, SCORECARD_PERIODS, REWARD_ENTRIES, REWARD_TOTALS, SCORECARD_WEIGHTS = scorecard_tables(
    ServiceTable.metadata
)
