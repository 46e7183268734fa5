"""dealreg: partners, deals, history, outbox, processed events, idempotency keys."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

from servicekit.migrate import TS, create_platform_tables

revision, down_revision = "0001", None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "partners",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("tier", sa.SmallInteger, nullable=False),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("vendor_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "vendor_policies",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("auto_approve_max_amount", sa.Numeric(18, 2)),
        sa.Column("auto_approve_tiers", ARRAY(sa.SmallInteger), nullable=False),
        sa.Column("auto_approve_currency", sa.String(3)),
        sa.Column("approval_sla", sa.Interval, nullable=False),
        sa.Column("on_sla_breach", sa.Text, nullable=False),
        sa.Column("protection_period", sa.Interval, nullable=False),
        sa.Column("max_extensions", sa.Integer, nullable=False),
        sa.Column("extension_period", sa.Interval, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "deals",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("rep", JSONB, nullable=False),
        sa.Column("customer", JSONB, nullable=False),
        sa.Column("customer_domain_key", sa.Text),
        sa.Column("customer_name_key", sa.Text),
        sa.Column("products", JSONB, nullable=False),
        sa.Column("skus", ARRAY(sa.Text), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("margin_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("margin_amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("stage", sa.Text, nullable=False),
        sa.Column("conflict", sa.Boolean, nullable=False),
        sa.Column("conflict_reasons", ARRAY(sa.Text), nullable=False),
        sa.Column("conflicting_deal_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("protection_expires_at", TS),
        sa.Column("approval_due_at", TS, nullable=False),
        sa.Column("approval_overdue_at", TS),
        sa.Column("extensions_used", sa.Integer, nullable=False),
        sa.Column("decided_at", TS),
        sa.Column("decided_by", sa.Text),
        sa.Column("decision_reason", sa.Text),
        sa.Column("expired_at", TS),
        sa.Column("final_amount", sa.Numeric(18, 2)),
        sa.Column("closed_on", sa.Date),
        sa.Column("closed_at", TS),
        sa.Column("close_reason", sa.Text),
        sa.Column("external_ref", sa.Text),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    active = sa.text("status IN ('pending_approval', 'approved')")
    op.create_index("deals_active_domain", "deals", ["vendor_id", "customer_domain_key"], postgresql_where=active)
    op.create_index("deals_active_name", "deals", ["vendor_id", "customer_name_key"], postgresql_where=active)
    # The scheduler's two questions, each answered from a small partial index.
    op.create_index(
        "deals_overdue_due",
        "deals",
        ["approval_due_at"],
        postgresql_where=sa.text("status = 'pending_approval' AND approval_overdue_at IS NULL"),
    )
    op.create_index(
        "deals_protection_due",
        "deals",
        ["protection_expires_at"],
        postgresql_where=sa.text("status = 'approved'"),
    )
    op.create_index("deals_list_order", "deals", ["created_at", "id"])
    op.create_index("deals_partner", "deals", ["partner_id", "created_at", "id"])
    op.create_index("deals_vendor", "deals", ["vendor_id", "created_at", "id"])
    op.create_table(
        "deal_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("deal_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("data", JSONB, nullable=False),
    )
    op.create_index("deal_history_deal", "deal_history", ["deal_id", "id"])


def downgrade() -> None:
    for table in (
        "deal_history",
        "deals",
        "vendor_policies",
        "partners",
        "idempotency_keys",
        "processed_events",
        "outbox",
    ):
        op.drop_table(table)
