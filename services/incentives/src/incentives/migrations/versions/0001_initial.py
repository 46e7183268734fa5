"""incentives: programs, the append-only ledger, outbox, processed events, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from events.tables import create_outbox_table, create_processed_events_table
from servicekit.idempotency import create_idempotency_table
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_outbox_table(op)
    create_processed_events_table(op)
    create_idempotency_table(op)
    op.create_table(
        "programs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False, index=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("registration_reward_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("pay_registration_on", sa.Text, nullable=False),
        sa.Column("stage_bonuses", JSONB, nullable=False),
        sa.Column("close_won_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("clawback_on_reject", sa.Boolean, nullable=False),
        sa.Column("tier_multipliers", JSONB, nullable=False),
        sa.Column("cap_per_deal", sa.Numeric(18, 2)),
        sa.Column("budget", sa.Numeric(18, 2)),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), unique=True),
        sa.Column("deal_id", sa.Text, nullable=False),
        sa.Column("rep_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("program_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("stage", sa.Text),
        sa.Column("rule_key", sa.Text, nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("deal_id", "rule_key", name="ledger_entries_one_per_rule"),
    )
    op.create_index("ledger_entries_rep", "ledger_entries", ["rep_id", "seq"])
    # Append-only: the database itself refuses to change or remove a ledger entry.
    op.execute(
        """
        CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'ledger entries are append-only (% refused)', TG_OP;
        END $$;
        """
    )
    op.execute(
        "CREATE TRIGGER ledger_entries_no_change BEFORE UPDATE OR DELETE ON ledger_entries "
        "FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS ledger_entries_no_change ON ledger_entries")
    op.execute("DROP FUNCTION IF EXISTS ledger_entries_append_only()")
    for table in ("ledger_entries", "programs", "idempotency_keys", "processed_events", "outbox"):
        op.drop_table(table)
