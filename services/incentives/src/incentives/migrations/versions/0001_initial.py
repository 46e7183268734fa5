"""incentives: programs, the double-entry ledger, rep-facing entries, payouts, outbox."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.migrate import MONEY, TS, create_platform_tables

revision, down_revision = "0001", None

# Every table that records money movements: rows are appended, never changed or removed.
APPEND_ONLY = ("ledger_transfers", "ledger_postings", "ledger_entries", "payouts", "payout_lines", "payout_items")


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "programs",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False, index=True),
        sa.Column("partner_id", sa.Text),
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
        sa.Column("cap_per_deal", MONEY),
        sa.Column("budget", MONEY),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name="programs_dates_in_order"),
    )
    # Balances (TigerBeetle's accounts). The program budget row is what accruals lock;
    # the CHECK is the last line of defence: a budget can never be overdrawn.
    op.create_table(
        "ledger_accounts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance", MONEY, nullable=False),
        sa.Column("non_negative", sa.Boolean, nullable=False),
        sa.CheckConstraint("NOT non_negative OR balance >= 0", name="ledger_accounts_may_not_overdraw"),
    )
    op.create_table(
        "ledger_transfers",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), unique=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("debit_account", sa.Text, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("credit_account", sa.Text, sa.ForeignKey("ledger_accounts.id"), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.CheckConstraint("amount > 0", name="ledger_transfers_positive"),
        sa.CheckConstraint("debit_account <> credit_account", name="ledger_transfers_two_accounts"),
    )
    op.create_table(
        "ledger_postings",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("transfer_id", sa.Text, sa.ForeignKey("ledger_transfers.id"), nullable=False, index=True),
        sa.Column("account", sa.Text, sa.ForeignKey("ledger_accounts.id"), nullable=False, index=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "ledger_entries",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), unique=True),
        sa.Column("deal_id", sa.Text, nullable=False),
        sa.Column("rep_id", sa.Text, nullable=False),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("program_id", sa.Text, sa.ForeignKey("programs.id"), nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("stage", sa.Text),
        sa.Column("rule_key", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("requested", MONEY, nullable=False),
        sa.Column("cut", MONEY, nullable=False),
        sa.Column("cut_reason", sa.Text),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("transfer_id", sa.Text, sa.ForeignKey("ledger_transfers.id")),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("deal_id", "rule_key", name="ledger_entries_one_per_rule"),
    )
    op.create_index("ledger_entries_rep", "ledger_entries", ["rep_id", "seq"])
    op.create_index("ledger_entries_partner", "ledger_entries", ["partner_id", "seq"])
    op.create_index("ledger_entries_vendor", "ledger_entries", ["vendor_id", "seq"])
    op.create_index("ledger_entries_program", "ledger_entries", ["program_id", "seq"])
    op.create_table(
        "payouts",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False, index=True),
        sa.Column("up_to", TS, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("created_at", TS, nullable=False),
    )
    op.create_table(
        "payout_lines",
        sa.Column("payout_id", sa.Text, sa.ForeignKey("payouts.id"), primary_key=True),
        sa.Column("rep_id", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("entry_count", sa.Integer, nullable=False),
    )
    # entry_id is the primary key: an entry can be in one payout batch, never two.
    op.create_table(
        "payout_items",
        sa.Column("entry_id", sa.Text, sa.ForeignKey("ledger_entries.id"), primary_key=True),
        sa.Column("payout_id", sa.Text, sa.ForeignKey("payouts.id"), nullable=False, index=True),
    )
    op.create_table(
        "incentive_policies",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("min_roi", sa.Numeric(12, 4), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "program_proposals",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, nullable=False, index=True),
        sa.Column("partner_id", sa.Text, nullable=False, index=True),
        sa.Column("program", JSONB, nullable=False),
        sa.Column("forecast", JSONB, nullable=False),
        sa.Column("simulation", JSONB, nullable=False),
        sa.Column("roi", sa.Numeric(18, 4)),
        sa.Column("min_roi", sa.Numeric(12, 4)),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("program_id", sa.Text, sa.ForeignKey("programs.id")),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("decided_at", TS),
    )
    op.execute(
        """
        CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
        END $$;
        """
    )
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ledger_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()"
        )


def downgrade() -> None:
    for table in APPEND_ONLY:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_change ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    op.execute("DROP FUNCTION IF EXISTS ledger_append_only()")
    for table in (
        "program_proposals",
        "incentive_policies",
        "payout_items",
        "payout_lines",
        "payouts",
        "ledger_entries",
        "ledger_postings",
        "ledger_transfers",
        "ledger_accounts",
        "programs",
        "idempotency_keys",
        "processed_events",
        "outbox",
    ):
        op.drop_table(table)
