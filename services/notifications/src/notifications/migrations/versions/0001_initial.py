"""notifications: subscriptions, received events, deliveries, outbox, processed events, idempotency keys."""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from servicekit.migrate import TS, create_platform_tables

revision, down_revision = "0001", None


def upgrade() -> None:
    create_platform_tables(op)
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("owner_key", sa.Text, nullable=False),
        sa.Column("owner_role", sa.Text, nullable=False),
        sa.Column("owner_vendor_id", sa.Text),
        sa.Column("owner_partner_id", sa.Text),
        sa.Column("owner_partner_ids", ARRAY(sa.Text), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("event_types", ARRAY(sa.Text), nullable=False),
        sa.Column("description", sa.Text),
        sa.Column("secret", sa.Text, nullable=False),
        sa.Column("previous_secret", sa.Text),
        sa.Column("previous_secret_expires_at", TS),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("disabled_reason", sa.Text),
        sa.Column("failing_since", TS),
        sa.Column("last_success_at", TS),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("subscriptions_owner", "subscriptions", ["owner_key", "created_at", "id"])
    op.create_index(
        "subscriptions_active_types",
        "subscriptions",
        ["event_types"],
        postgresql_using="gin",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_table(
        "received_events",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), unique=True),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("time", TS, nullable=False),
        sa.Column("vendor_id", sa.Text),
        sa.Column("partner_id", sa.Text),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("traceparent", sa.Text),
        sa.Column("received_at", TS, nullable=False),
    )
    op.create_index("received_events_time", "received_events", ["time", "seq"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("seq", sa.BigInteger, sa.Identity(), unique=True),
        sa.Column("subscription_id", sa.Text, sa.ForeignKey("subscriptions.id"), nullable=False),
        sa.Column("event_id", sa.Text, sa.ForeignKey("received_events.id"), nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", TS),
        sa.Column("lease_until", TS),
        sa.Column("last_attempt_at", TS),
        sa.Column("last_status_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    # The claim query only ever scans due pending rows: keep that index small.
    op.create_index(
        "deliveries_due", "deliveries", ["next_attempt_at", "seq"], postgresql_where=sa.text("status = 'pending'")
    )
    op.create_index("deliveries_subscription", "deliveries", ["subscription_id", "seq"])
    op.create_index("deliveries_event", "deliveries", ["event_id"])


def downgrade() -> None:
    for table in ("deliveries", "received_events", "subscriptions", "idempotency_keys", "processed_events", "outbox"):
        op.drop_table(table)
