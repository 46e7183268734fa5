"""incentives, trust and money (issue 15): policy ceilings, program of record, enrolments, history.

- incentive_policies: the ceilings and assumptions (NULL: the documented default) and `version`;
- program_proposals: `version`, the gate's inputs, `roi` unbounded (a forecast may give any ROI);
- programs: `effective_from`, the approval time of a proposal's program (earlier deals are not its);
- deal_programs: a deal's program of record, backfilled from each deal's first ledger entry;
  ledger_entries (deal_id, program_id) must match it (NOT VALID: rows written before are kept);
- deal_closes: closed deals per partner and vendor, the partner's own history for the ROI gate;
- enrolments: who is enrolled with which vendor (partners.v1), the highest version kept.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

from servicekit.migrate import MONEY, TS

revision, down_revision = "0002_money_incentives_trust", "0001"


def upgrade() -> None:
    for name, type_ in (
        ("max_registration_reward_pct", sa.Numeric(9, 4)),
        ("max_tier_multiplier", sa.Numeric(6, 4)),
        ("max_budget", MONEY),
        ("max_cap_per_deal", MONEY),
        ("assumed_win_rate", sa.Numeric(6, 4)),
        ("assumed_avg_deal_amount", MONEY),
        ("assumed_margin_pct", sa.Numeric(9, 4)),
    ):
        op.add_column("incentive_policies", sa.Column(name, type_))
    op.add_column("incentive_policies", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("program_proposals", sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column("program_proposals", sa.Column("gate", JSONB))
    op.alter_column("program_proposals", "roi", type_=sa.Numeric())
    op.add_column("programs", sa.Column("effective_from", TS))
    op.create_table(
        "deal_programs",
        sa.Column("deal_id", sa.Text, primary_key=True),
        sa.Column("program_id", sa.Text, sa.ForeignKey("programs.id"), nullable=False, index=True),
        sa.Column("created_at", TS, nullable=False),
        sa.UniqueConstraint("deal_id", "program_id", name="deal_programs_deal_program"),
    )
    op.execute(
        "INSERT INTO deal_programs (deal_id, program_id, created_at) "
        "SELECT DISTINCT ON (deal_id) deal_id, program_id, created_at FROM ledger_entries ORDER BY deal_id, seq"
    )
    # Every new entry of a deal is of its program of record: one program per deal, held by the database.
    op.execute(
        "ALTER TABLE ledger_entries ADD CONSTRAINT ledger_entries_program_of_record "
        "FOREIGN KEY (deal_id, program_id) REFERENCES deal_programs (deal_id, program_id) NOT VALID"
    )
    op.create_table(
        "deal_closes",
        sa.Column("deal_id", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, nullable=False),
        sa.Column("vendor_id", sa.Text, nullable=False),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("margin_pct", sa.Numeric(9, 4), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("closed_at", TS, nullable=False),
    )
    op.create_index("deal_closes_partner_vendor", "deal_closes", ["partner_id", "vendor_id"])
    op.create_table(
        "enrolments",
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("tier", sa.Integer, nullable=False),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("enrolments_vendor", "enrolments", ["vendor_id"])


def downgrade() -> None:
    op.drop_table("enrolments")
    op.drop_table("deal_closes")
    op.execute("ALTER TABLE ledger_entries DROP CONSTRAINT IF EXISTS ledger_entries_program_of_record")
    op.drop_table("deal_programs")
    op.drop_column("programs", "effective_from")
    op.alter_column("program_proposals", "roi", type_=sa.Numeric(18, 4))
    op.drop_column("program_proposals", "gate")
    op.drop_column("program_proposals", "version")
    for name in (
        "version",
        "assumed_margin_pct",
        "assumed_avg_deal_amount",
        "assumed_win_rate",
        "max_cap_per_deal",
        "max_budget",
        "max_tier_multiplier",
        "max_registration_reward_pct",
    ):
        op.drop_column("incentive_policies", name)
