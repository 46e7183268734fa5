"""dealreg: a partner's terms per vendor (partner_enrollments), today's data kept.

Each partner's tier, territory, region and channel manager are copied into one enrolment per
vendor in its `vendor_ids`, and a `partner-enrolled` event for each goes into the outbox, so
the services that keep enrolment read models learn who is enrolled with whom. A vendor whose
deals a partner holds but that is no longer in its `vendor_ids` (the partner left it) gets an
inactive enrolment with the same terms: those deals' events keep carrying terms, and the
partner registers no new deal with that vendor.
"""

import os

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY

from events.envelope import new_event
from events.topics import TopicNames
from servicekit.migrate import TS

revision, down_revision = "0002_enrol_dealreg", "0001"

TERMS = ("tier", "territory", "region", "channel_manager")


def upgrade() -> None:
    op.create_table(
        "partner_enrollments",
        sa.Column("partner_id", sa.Text, sa.ForeignKey("partners.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("vendor_id", sa.Text, primary_key=True),
        sa.Column("tier", sa.SmallInteger, nullable=False),
        sa.Column("territory", sa.Text),
        sa.Column("region", sa.Text),
        sa.Column("channel_manager", sa.Text),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    # A vendor's partners (its scorecards and lists): by vendor, then partner.
    op.create_index("partner_enrollments_vendor", "partner_enrollments", ["vendor_id", "partner_id"])
    op.execute(
        """
        INSERT INTO partner_enrollments
            (partner_id, vendor_id, tier, territory, region, channel_manager, active, created_at, updated_at, version)
        SELECT p.id, v.vendor_id, p.tier, p.territory, p.region, p.channel_manager, true,
               p.created_at, p.updated_at, 1
        FROM partners p CROSS JOIN LATERAL (SELECT DISTINCT unnest(p.vendor_ids) AS vendor_id) v
        """
    )
    op.execute(
        """
        INSERT INTO partner_enrollments
            (partner_id, vendor_id, tier, territory, region, channel_manager, active, created_at, updated_at, version)
        SELECT DISTINCT p.id, d.vendor_id, p.tier, p.territory, p.region, p.channel_manager, false,
               p.created_at, p.updated_at, 1
        FROM deals d JOIN partners p ON p.id = d.partner_id
        WHERE NOT d.vendor_id = ANY(p.vendor_ids)
        """
    )
    _announce_enrolments()
    for column in (*TERMS, "vendor_ids"):
        op.drop_column("partners", column)


def _announce_enrolments() -> None:
    """One partner-enrolled event per active enrolment, in the outbox (published once the relay runs)."""
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT e.partner_id, e.vendor_id, p.name, e.tier, e.territory, e.region, e.channel_manager,"
            " e.version, e.updated_at FROM partner_enrollments e JOIN partners p ON p.id = e.partner_id"
            " WHERE e.active ORDER BY e.partner_id, e.vendor_id"
        )
    ).mappings()
    # The topic prefix a deployment runs with (empty in production): the relay publishes rows as named.
    topic = TopicNames(os.environ.get("KAFKA_TOPIC_PREFIX", "")).partners
    outbox = sa.table(
        "outbox", sa.column("event_id"), sa.column("topic"), sa.column("key"), sa.column("payload", sa.LargeBinary)
    )
    values = []
    for row in rows:
        data = {**row, "updated_at": row["updated_at"].isoformat()}
        event = new_event(
            event_type="partner-enrolled", service="dealreg", subject=row["partner_id"], data=data,
            time=row["updated_at"],
        )  # fmt: skip
        values.append({"event_id": event.id, "topic": topic, "key": row["partner_id"], "payload": event.to_json()})
    if values:
        op.bulk_insert(outbox, values)


def downgrade() -> None:
    op.add_column("partners", sa.Column("tier", sa.SmallInteger))
    for column in ("territory", "region", "channel_manager"):
        op.add_column("partners", sa.Column(column, sa.Text))
    op.add_column("partners", sa.Column("vendor_ids", ARRAY(sa.Text), nullable=False, server_default="{}"))
    # One profile-wide set of terms again: the most recently changed active enrolment's (tier 1 if none).
    op.execute(
        """
        UPDATE partners p SET
            vendor_ids = COALESCE(
                (SELECT array_agg(e.vendor_id ORDER BY e.vendor_id) FROM partner_enrollments e
                 WHERE e.partner_id = p.id AND e.active), '{}'),
            tier = COALESCE(t.tier, 1), territory = t.territory, region = t.region,
            channel_manager = t.channel_manager
        FROM partners q LEFT JOIN LATERAL (
            SELECT e.tier, e.territory, e.region, e.channel_manager FROM partner_enrollments e
            WHERE e.partner_id = q.id ORDER BY e.active DESC, e.updated_at DESC, e.vendor_id LIMIT 1
        ) t ON true
        WHERE q.id = p.id
        """
    )
    op.alter_column("partners", "tier", nullable=False)
    op.alter_column("partners", "vendor_ids", server_default=None)
    op.drop_index("partner_enrollments_vendor", table_name="partner_enrollments")
    op.drop_table("partner_enrollments")
