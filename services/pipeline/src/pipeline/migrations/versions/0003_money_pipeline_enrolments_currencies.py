"""pipeline: the enrolment read model (partner_enrolments) and figure_totals per currency.

partner_enrolments is seeded from partner_attributes (version 0): a partner with a deal of a
vendor was enrolled with it (dealreg refuses deals otherwise), so today's plans stay reachable
until dealreg's partner-enrolled events (version >= 1) replace the seeded rows.

figure_totals gains `currency` in its key; its rows are recomputed from the deals (the old rows
added currencies together and cannot be split), with the same rules as domain.totals.totals_of.
"""

import sqlalchemy as sa
from alembic import op

from servicekit.migrate import TS

revision, down_revision = "0003_money_pipeline", "0002"

_STAGES = ("registered", "qualified", "proposal", "negotiation", "closed_won", "closed_lost")
_OPEN = "status IN ('pending_approval', 'approved')"
_WON = "status = 'closed' AND outcome = 'won'"
_LOST = "status = 'closed' AND outcome = 'lost'"
_CLOSED = f"(({_WON}) OR ({_LOST})) AND closed_on IS NOT NULL"
# Registration-to-close days, clamped at 0 (a close dated before registration is bad data).
_DAYS = "GREATEST(0, closed_on - CAST(created_at AT TIME ZONE 'UTC' AS date))"


def _recompute_totals(group_by_currency: bool) -> str:
    currency = ", currency" if group_by_currency else ""
    counts = [f"count(*) FILTER (WHERE {_OPEN} AND stage = '{s}')" for s in _STAGES]
    amounts = [f"coalesce(sum(amount) FILTER (WHERE {_OPEN} AND stage = '{s}'), 0)" for s in _STAGES]
    columns = [
        *(f"open_count_{s}" for s in _STAGES),
        *(f"open_amount_{s}" for s in _STAGES),
        "won_count", "won_amount", "lost_count", "cycle_days", "cycle_count", "deal_count",
    ]  # fmt: skip
    values = [
        *counts,
        *amounts,
        f"count(*) FILTER (WHERE {_WON})",
        f"coalesce(sum(coalesce(final_amount, amount)) FILTER (WHERE {_WON}), 0)",
        f"count(*) FILTER (WHERE {_LOST})",
        f"coalesce(sum({_DAYS}) FILTER (WHERE {_CLOSED}), 0)",
        f"count(*) FILTER (WHERE {_CLOSED})",
        "count(*)",
    ]
    return (
        f"INSERT INTO figure_totals (partner_id, vendor_id, period{currency}, {', '.join(columns)})"  # noqa: S608
        f" SELECT partner_id, vendor_id, period{currency}, {', '.join(values)}"
        f" FROM deals WHERE period IS NOT NULL GROUP BY partner_id, vendor_id, period{currency}"
    )


def upgrade() -> None:
    op.create_table(
        "partner_enrolments",
        sa.Column("partner_id", sa.Text, primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("tier", sa.Integer),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("version", sa.BigInteger, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_index("partner_enrolments_by_vendor", "partner_enrolments", ["vendor_id"])
    op.execute(
        "INSERT INTO partner_enrolments"
        " (partner_id, vendor_id, tier, territory, region, channel_manager, version, updated_at)"
        " SELECT partner_id, vendor_id, tier, territory, region, channel_manager, 0, last_event_time"
        " FROM partner_attributes"
    )

    op.execute("DELETE FROM figure_totals")
    op.add_column("figure_totals", sa.Column("currency", sa.String(3), nullable=False))
    op.drop_constraint("figure_totals_pkey", "figure_totals", type_="primary")
    op.create_primary_key("figure_totals_pkey", "figure_totals", ["partner_id", "vendor_id", "period", "currency"])
    op.execute(_recompute_totals(group_by_currency=True))


def downgrade() -> None:
    op.execute("DELETE FROM figure_totals")
    op.drop_constraint("figure_totals_pkey", "figure_totals", type_="primary")
    op.drop_column("figure_totals", "currency")
    op.create_primary_key("figure_totals_pkey", "figure_totals", ["partner_id", "vendor_id", "period"])
    op.execute(_recompute_totals(group_by_currency=False))
    op.drop_table("partner_enrolments")
