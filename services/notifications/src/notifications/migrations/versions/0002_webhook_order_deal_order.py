"""notifications: a deal's deliveries in order per subscription; replay by tenancy in SQL.

- received_events.subject and deliveries.subject (the CloudEvent subject: the deal id).
  A delivery waits (pending, next_attempt_at NULL) while an earlier delivery of its
  subscription and subject is pending; deliveries.seq (taken in the order events
  arrived) says which is earlier.
- deliveries_pending_subject: the earlier-pending lookup of intake, claim and completion.
- received_events by vendor and by partner, then time: replay selects the owner's
  tenancy in SQL.
"""

import sqlalchemy as sa
from alembic import op

revision, down_revision = "0002_webhook_order_deal_order", "0001"


def upgrade() -> None:
    op.add_column("received_events", sa.Column("subject", sa.Text))
    op.add_column("deliveries", sa.Column("subject", sa.Text))
    # Events stored before: their subject from the stored CloudEvent. Deliveries: only the pending
    # ones take part in ordering; finished ones keep NULL (redeliver reads the event's subject).
    op.execute(
        "UPDATE received_events SET subject = convert_from(body, 'UTF8')::jsonb ->> 'subject' WHERE subject IS NULL"
    )
    op.execute(
        "UPDATE deliveries d SET subject = e.subject FROM received_events e"
        " WHERE e.id = d.event_id AND d.status = 'pending' AND d.subject IS NULL"
    )
    op.create_index(
        "deliveries_pending_subject",
        "deliveries",
        ["subscription_id", "subject", "seq"],
        postgresql_where=sa.text("status = 'pending'"),
    )
    op.create_index("received_events_vendor_time", "received_events", ["vendor_id", "time"])
    op.create_index("received_events_partner_time", "received_events", ["partner_id", "time"])


def downgrade() -> None:
    op.drop_index("received_events_partner_time", table_name="received_events")
    op.drop_index("received_events_vendor_time", table_name="received_events")
    op.drop_index("deliveries_pending_subject", table_name="deliveries")
    op.drop_column("deliveries", "subject")
    op.drop_column("received_events", "subject")
