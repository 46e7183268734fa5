"""pipeline: partner scorecards (scorecard_deals, scorecard_periods, reward entries and totals,
scorecard_weights). Empty at first: `python -m pipeline.rebuild` fills them from deals.v1 and
incentives.v1 (the live consumers fill them from new events)."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.migrate import TS

revision, down_revision = "0004_scorecards", "0003_money_pipeline"


def upgrade() -> None:
    op.create_table(
        "scorecard_deals",
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
    )
    op.create_index("scorecard_deals_registered", "scorecard_deals", ["vendor_id", "partner_id", "registered_period"])
    op.create_index("scorecard_deals_closed", "scorecard_deals", ["vendor_id", "partner_id", "closed_period"])
    op.create_table(
        "scorecard_periods",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("totals", JSONB, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("producing", sa.Boolean, nullable=False),
    )
    op.create_table(
        "scorecard_reward_entries",
        sa.Column("entry_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("period", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
    )
    op.create_table(
        "scorecard_reward_totals",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("net", sa.Numeric, nullable=False),
    )
    op.create_table(
        "scorecard_weights",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("weights", JSONB, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "scorecard_weights", "scorecard_reward_totals", "scorecard_reward_entries", "scorecard_periods", "scorecard_deals",
    ):  # fmt: skip
        op.drop_table(table)
