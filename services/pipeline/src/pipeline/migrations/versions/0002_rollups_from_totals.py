"""pipeline: rollups from stored totals: figure_totals.deal_count, its vendor index, partner_attributes."""

import sqlalchemy as sa
from alembic import op

from servicekit.migrate import TS

revision, down_revision = "0002", "0001"


_ZERO_SUMS = (
    "open_count_registered, open_count_qualified, open_count_proposal, open_count_negotiation,"
    " open_count_closed_won, open_count_closed_lost, open_amount_registered, open_amount_qualified,"
    " open_amount_proposal, open_amount_negotiation, open_amount_closed_won, open_amount_closed_lost,"
    " won_count, won_amount, lost_count, cycle_days, cycle_count"
)


def upgrade() -> None:
    # Every deal placed in the period, whatever its status: a rollup lists a partner with any
    # deal in the period (rejected and expired ones too), which the other sums cannot tell.
    op.add_column("figure_totals", sa.Column("deal_count", sa.BigInteger, nullable=False, server_default="0"))
    op.execute(
        f"INSERT INTO figure_totals (partner_id, vendor_id, period, {_ZERO_SUMS}, deal_count)"  # noqa: S608
        f" SELECT partner_id, vendor_id, period, {', '.join('0' for _ in _ZERO_SUMS.split(','))}, count(*)"
        " FROM deals WHERE period IS NOT NULL GROUP BY partner_id, vendor_id, period"
        " ON CONFLICT (partner_id, vendor_id, period) DO UPDATE SET deal_count = EXCLUDED.deal_count"
    )
    op.create_index("figure_totals_by_vendor_period", "figure_totals", ["vendor_id", "period"])

    # Per (vendor, partner): what rollups group it by, from its most recent deal event.
    op.create_table(
        "partner_attributes",
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("tier", sa.Integer),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("last_event_time", TS, nullable=False),
    )
    op.execute(
        "INSERT INTO partner_attributes"
        " (vendor_id, partner_id, tier, territory, region, channel_manager, last_event_time)"
        " SELECT DISTINCT ON (vendor_id, partner_id)"
        " vendor_id, partner_id, tier, territory, region, channel_manager, last_event_time"
        " FROM deals ORDER BY vendor_id, partner_id, last_event_time DESC"
    )


def downgrade() -> None:
    op.drop_table("partner_attributes")
    op.drop_index("figure_totals_by_vendor_period", table_name="figure_totals")
    op.drop_column("figure_totals", "deal_count")
