"""Replay: queue again every event since a moment that a subscription receives, in order.

Selected in SQL by the owner's tenancy and the subscription's event types (never read and
filtered afterwards), counted first (a range over the maximum is refused with its count,
never cut short), then queued a page at a time in the order the events arrived. Each
replayed delivery joins its deal's chain (domain.ordering): it waits behind anything of
that deal still pending for the subscription, and the replay's own deliveries of one deal
go one after another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel.ext.asyncio.session import AsyncSession

from notifications.adapters.tables import SubscriptionRow
from notifications.domain.ordering import chain_buckets
from notifications.domain.routing import OwnerRole
from notifications.service.intake import DELIVERIES_CHANNEL, lock_chains

# The replay maximum and page size by default (settings: WEBHOOK_REPLAY_MAX, WEBHOOK_REPLAY_PAGE).
MAX_REPLAY = 10_000
REPLAY_PAGE = 1_000

# The owner's tenancy as SQL over received_events e, one clause per role (see domain.routing.may_see:
# an event without the owner's id reaches nobody but admins).
_TENANCY = {
    OwnerRole.ADMIN: "TRUE",
    OwnerRole.VENDOR: "e.vendor_id = :vendor_id",
    OwnerRole.PARTNER: "e.partner_id = :partner_id",
    OwnerRole.AGGREGATOR: "e.partner_id = ANY(CAST(:partner_ids AS text[]))",
}
_RANGE = "e.time >= :since AND e.type = ANY(CAST(:types AS text[])) AND {tenancy}"


def _subjects_sql(tenancy: str) -> Any:
    return text(  # built from constants only
        "SELECT e.subject, count(*) AS n, max(e.seq) AS last_seq FROM received_events e"  # noqa: S608
        f" WHERE {_RANGE.format(tenancy=tenancy)} GROUP BY e.subject"
    )


# One page, in arrival order (seq), queued in that order. A deal's first delivery of the page is
# due at once only if nothing of its chain is pending (earlier pages' rows are visible: they are
# this transaction's); every other one waits for its turn.
def _page_sql(tenancy: str) -> Any:
    return text(  # built from constants only
        "WITH page AS ("  # noqa: S608
        " SELECT e.id, e.type, e.subject, e.seq FROM received_events e"
        f" WHERE {_RANGE.format(tenancy=tenancy)} AND e.seq > :after AND e.seq <= :upto ORDER BY e.seq LIMIT :page"
        "), queued AS ("
        " INSERT INTO deliveries (id, subscription_id, event_id, event_type, subject, status, attempts,"
        " next_attempt_at, created_at, updated_at)"
        " SELECT gen_random_uuid()::text, :subscription_id, p.id, p.type, p.subject, 'pending', 0,"
        " CASE WHEN p.subject IS NULL OR (row_number() OVER (PARTITION BY p.subject ORDER BY p.seq) = 1"
        "   AND NOT EXISTS (SELECT 1 FROM deliveries w WHERE w.subscription_id = :subscription_id"
        "   AND w.subject = p.subject AND w.status = 'pending'))"
        " THEN CAST(:now AS timestamptz) END,"
        " CAST(:now AS timestamptz), CAST(:now AS timestamptz)"
        " FROM page p ORDER BY p.seq"
        " RETURNING id, seq)"
        " SELECT (SELECT max(seq) FROM page) AS last_seq, (SELECT count(*) FROM page) AS n,"
        " ARRAY(SELECT id FROM queued ORDER BY seq) AS ids"
    )


_NOTIFY = text(f"SELECT pg_notify('{DELIVERIES_CHANNEL}', '')")


class ReplayTooLarge(Exception):
    def __init__(self, count: int, maximum: int) -> None:
        super().__init__(f"{count} events to replay; at most {maximum}")
        self.count = count
        self.maximum = maximum


@dataclass(frozen=True)
class Replayed:
    queued: int
    delivery_ids: Sequence[str]  # the first ones, in order


def _params(subscription: SubscriptionRow, since: datetime) -> dict[str, Any]:
    return {
        "since": since,
        "types": list(subscription.event_types),
        "vendor_id": subscription.owner_vendor_id,
        "partner_id": subscription.owner_partner_id,
        "partner_ids": list(subscription.owner_partner_ids),
    }


async def replay(
    session: AsyncSession,
    subscription: SubscriptionRow,
    since: datetime,
    now: datetime,
    *,
    maximum: int = MAX_REPLAY,
    page: int = REPLAY_PAGE,
    ids_shown: int = 500,
) -> Replayed:
    """Queue a delivery of every event since ``since`` the subscription receives, in arrival order.

    Raises ReplayTooLarge (nothing queued) when the range holds more than ``maximum`` events.
    """
    tenancy = _TENANCY[OwnerRole(subscription.owner_role)]
    params = _params(subscription, since)
    subjects = (await session.execute(_subjects_sql(tenancy), params)).all()
    count = sum(int(r.n) for r in subjects)
    if count > maximum:
        raise ReplayTooLarge(count, maximum)
    if count == 0:
        return Replayed(0, [])
    # Events that arrive from now on are not part of this replay (they are delivered anyway).
    upto = max(int(r.last_seq) for r in subjects)
    await lock_chains(session, chain_buckets((subscription.id, r.subject) for r in subjects))
    statement = _page_sql(tenancy)
    after, queued, shown = 0, 0, list[str]()
    while True:
        row = (
            await session.execute(
                statement,
                {**params, "subscription_id": subscription.id, "now": now, "after": after, "upto": upto, "page": page},
            )
        ).one()
        queued += int(row.n)
        shown.extend(row.ids[: max(ids_shown - len(shown), 0)])
        if row.n < page:
            break
        after = int(row.last_seq)
    await session.execute(_NOTIFY)
    return Replayed(queued, shown)
