"""notifications: drop the outbox table (notifications publishes nothing; no code reads or writes it).

Revision ID: 0003_arch_drop_outbox
Revises: 0002_security_edges
Create Date: 2026-12-03
"""

from collections.abc import Sequence

from alembic import op

from events.tables import create_outbox_table

revision: str = "0003_arch_drop_outbox"
down_revision: str | None = "0002_security_edges"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_table("outbox")  # with its index outbox_unsent


def downgrade() -> None:
    # As 0001 created it, index included (empty: nothing was ever written to it).
    create_outbox_table(op)
