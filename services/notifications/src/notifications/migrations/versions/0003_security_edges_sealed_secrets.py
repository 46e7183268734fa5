"""notifications: webhook secrets encrypted at rest; replays and redeliveries counted per subscription.

Existing subscriptions' secrets are encrypted with the first of WEBHOOK_SECRET_KEYS (the
migration reads the same environment as the service; ENVIRONMENT=development uses the
development key). A value that already decrypts is left as it is, so running it on a
partly encrypted table is safe.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0002_security_edges", "0002_webhook_order_deal_order"


def _box():  # type: ignore[no-untyped-def]
    from notifications.adapters.secret_box import box_from_settings
    from notifications.config import Settings

    return box_from_settings(Settings())


def upgrade() -> None:
    box = _box()
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, secret, previous_secret FROM subscriptions FOR UPDATE")).all()
    for row in rows:
        sealed = {
            name: value if value is None or box.is_sealed(value) else box.seal(value)
            for name, value in (("secret", row.secret), ("previous", row.previous_secret))
        }
        conn.execute(
            sa.text("UPDATE subscriptions SET secret = :secret, previous_secret = :previous WHERE id = :id"),
            {"id": row.id, **sealed},
        )
    op.create_table(
        "replay_requests",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("subscription_id", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),  # "replay" | "redeliver"
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("replay_requests_by_subscription", "replay_requests", ["subscription_id", "kind", "requested_at"])


def downgrade() -> None:
    op.drop_table("replay_requests")
    box = _box()
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, secret, previous_secret FROM subscriptions FOR UPDATE")).all()
    for row in rows:
        conn.execute(
            sa.text("UPDATE subscriptions SET secret = :secret, previous_secret = :previous WHERE id = :id"),
            {
                "id": row.id,
                "secret": box.reveal(row.secret),
                "previous": None if row.previous_secret is None else box.reveal(row.previous_secret),
            },
        )
