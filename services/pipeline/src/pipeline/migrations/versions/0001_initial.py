"""pipeline: deal read model, figure totals, policies, plans, at-risk flags, outbox, processed events, idempotency keys."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.migrate import TS, create_platform_tables

revision, down_revision = "0001", None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "deals",
        sa.Column("deal_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("period", sa.Text),
        sa.Column("tier", sa.Integer),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("closed_on", sa.Date),
        sa.Column("outcome", sa.Text),
        sa.Column("final_amount", sa.Numeric(18, 2)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_event_time", TS, nullable=False),
        sa.Column("last_sequence", sa.BigInteger),
    )
    op.create_index("deals_by_partner_period", "deals", ["vendor_id", "period", "partner_id"])
    # Per (partner, vendor, period): the sums and counts its figures come from (domain PeriodTotals),
    # kept in the transaction that changes the deals. Money sums unconstrained NUMERIC: exact.
    op.create_table(
        "figure_totals",
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("open_count_registered", sa.BigInteger, nullable=False),
        sa.Column("open_count_qualified", sa.BigInteger, nullable=False),
        sa.Column("open_count_proposal", sa.BigInteger, nullable=False),
        sa.Column("open_count_negotiation", sa.BigInteger, nullable=False),
        sa.Column("open_count_closed_won", sa.BigInteger, nullable=False),
        sa.Column("open_count_closed_lost", sa.BigInteger, nullable=False),
        sa.Column("open_amount_registered", sa.Numeric, nullable=False),
        sa.Column("open_amount_qualified", sa.Numeric, nullable=False),
        sa.Column("open_amount_proposal", sa.Numeric, nullable=False),
        sa.Column("open_amount_negotiation", sa.Numeric, nullable=False),
        sa.Column("open_amount_closed_won", sa.Numeric, nullable=False),
        sa.Column("open_amount_closed_lost", sa.Numeric, nullable=False),
        sa.Column("won_count", sa.BigInteger, nullable=False),
        sa.Column("won_amount", sa.Numeric, nullable=False),
        sa.Column("lost_count", sa.BigInteger, nullable=False),
        sa.Column("cycle_days", sa.BigInteger, nullable=False),
        sa.Column("cycle_count", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "pipeline_policies",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("total_index", sa.Numeric, nullable=False),
        sa.Column("risk_adjusted_index", sa.Numeric, nullable=False),
        sa.Column("stage_probabilities", JSONB, nullable=False),
        sa.Column("at_risk_threshold", sa.Numeric, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "partner_plans",
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("revenue_target", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("partner_plans_by_vendor", "partner_plans", ["vendor_id", "period"])
    op.create_table(
        "at_risk_flags",
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("period", sa.Text, primary_key=True),
        sa.Column("at_risk", sa.Boolean, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "at_risk_flags",
        "partner_plans",
        "pipeline_policies",
        "figure_totals",
        "deals",
        "idempotency_keys",
        "processed_events",
        "outbox",
    ):
        op.drop_table(table)
