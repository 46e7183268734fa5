"""pipeline: partner scorecards (scorecard_deals, scorecard_periods, reward entries and totals,
scorecard_weights). Empty at first: `python -m pipeline.rebuild` fills them from deals.v1 and
incentives.v1 (the live consumers fill them from new events)."""

import sqlalchemy as sa
from alembic import op

from pipeline.adapters.scorecard_tables import scorecard_tables

revision, down_revision = "0004_scorecards", "0003_money_pipeline"


def upgrade() -> None:
    for table in scorecard_tables(sa.MetaData()):
        table.create(op.get_bind())


def downgrade() -> None:
    for table in reversed(scorecard_tables(sa.MetaData())):
        table.drop(op.get_bind())
