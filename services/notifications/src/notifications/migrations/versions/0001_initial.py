"""notifications: outbox, processed events, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op
from events.tables import create_outbox_table, create_processed_events_table
from servicekit.idempotency import create_idempotency_table

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_outbox_table(op)
    create_processed_events_table(op)
    create_idempotency_table(op)


def downgrade() -> None:
    for table in ("idempotency_keys", "processed_events", "outbox"):
        op.drop_table(table)
