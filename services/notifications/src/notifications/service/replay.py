"""Replay: queue again every event since a moment that a subscription receives, in order.

Selected by the owner's tenancy and the subscription's event types (in the store's SQL, never
read and filtered afterwards), counted first (a range over the maximum is refused with its
count, never cut short), then queued a page at a time in the order the events arrived. Each
replayed delivery joins its deal's chain (domain.ordering): it waits behind anything of that
deal still pending for the subscription, and the replay's own deliveries of one deal go one
after another.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from notifications.domain.model import SubscriptionStatus
from notifications.service.ports import Replayed, ReplayPlan, SubscriptionStore
from notifications.service.replay_limits import REPLAY, admit
from notifications.service.subscriptions import own_subscription
from servicekit.errors import Conflict, InvalidInput
from servicekit.principal import Principal

# The replay maximum and page size by default (settings: WEBHOOK_REPLAY_MAX, WEBHOOK_REPLAY_PAGE).
MAX_REPLAY = 10_000
REPLAY_PAGE = 1_000
IDS_SHOWN = 500


@dataclass(frozen=True)
class ReplayLimits:
    per_hour: int = 6
    maximum: int = MAX_REPLAY
    page: int = REPLAY_PAGE
    ids_shown: int = IDS_SHOWN


@dataclass(frozen=True)
class ReplayCommand:
    subscription_id: str
    since: datetime  # aware


@dataclass(frozen=True)
class ReplayResult:
    subscription_id: str
    since: datetime  # in UTC
    replayed: Replayed


def disabled() -> Conflict:
    return Conflict("The subscription is disabled; nothing can be delivered to it.")


async def replay_subscription(
    store: SubscriptionStore, principal: Principal, command: ReplayCommand, limits: ReplayLimits
) -> ReplayResult:
    """Queue a delivery of every event since ``since`` the subscription receives, in arrival order.

    422 naming ``since`` (with the ``count``) and nothing queued when the range holds more than
    ``limits.maximum`` events; 409 for a disabled subscription; 429 over the replay limits.
    """
    since = command.since.astimezone(UTC)
    async with store.transaction():
        sub = await own_subscription(store, principal, command.subscription_id)
        if sub.status != SubscriptionStatus.ACTIVE:
            raise disabled()
        await admit(store, sub.id, REPLAY, limits.per_hour, datetime.now(UTC))
        now = datetime.now(UTC)
        subjects = await store.replay_subjects(sub, since)
        count = sum(s.count for s in subjects)
        if count > limits.maximum:
            raise InvalidInput(
                [{"loc": ["body", "since"], "msg": f"the range holds {count} events"}],
                detail=f"{count} events match since {since.isoformat()}; at most {limits.maximum} can be "
                "replayed at once. Choose a later since.",
                count=count,
                maximum=limits.maximum,
            )
        replayed = (
            Replayed(0, [])
            if count == 0
            else await store.queue_replay(ReplayPlan(sub, since, subjects, now, limits.page, limits.ids_shown))
        )
    return ReplayResult(sub.id, since, replayed)
