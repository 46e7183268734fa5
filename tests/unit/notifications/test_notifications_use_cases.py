"""notifications' use cases on in-memory fakes: the rules a subscriber notices, without PostgreSQL or HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from events.envelope import new_event
from notifications.domain.model import Delivery, DeliveryStatus, Subscription, SubscriptionStatus
from notifications.domain.outcomes import Attempt, AttemptResult, TransportError, classify
from notifications.service import delivery_log, subscriptions
from notifications.service.delivery import DeliveryPolicy, DeliveryWorker, apply_outcome
from notifications.service.intake import take_in
from notifications.service.ports import Claimed, ClaimedRow
from notifications.service.replay import ReplayCommand, ReplayLimits, replay_subscription
from servicekit.errors import Conflict, InvalidInput, NotFound, PreconditionFailed, TooManyRequests
from servicekit.principal import Principal, Role
from support.fakes import service_fakes

_fakes = service_fakes(__file__)
FakeStore = _fakes.FakeStore
FakeVetter = _fakes.FakeVetter
FakeDeliveryStore = _fakes.FakeDeliveryStore
FakeSender = _fakes.FakeSender
PlainBox = _fakes.PlainBox

VENDOR = Principal(Role.VENDOR, "u-1", vendor_id="v-1")
OTHER_VENDOR = Principal(Role.VENDOR, "u-2", vendor_id="v-2")
PARTNER = Principal(Role.PARTNER, "rep-1", partner_id="p-1")
ADMIN = Principal(Role.ADMIN, "root")
URL = "https://hooks.example.com/in"


class Incoming:
    def __init__(self, event: Any, traceparent: str | None = None) -> None:
        self.event = event
        self.traceparent = traceparent


def deal_event(vendor_id: str, partner_id: str, deal_id: str, event_type: str = "deal-registered") -> Any:
    data = {"id": deal_id, "vendor_id": vendor_id, "partner_id": partner_id, "conflicting_deal_ids": ["d-x"]}
    return new_event(event_type=event_type, service="dealreg", subject=deal_id, data=data)


async def subscribe(store: FakeStore, principal: Principal, types: list[str] | None = None) -> Subscription:
    command = subscriptions.CreateSubscription(URL, types or ["deal-registered", "deal-approved"])
    sub, _ = await subscriptions.create_subscription(store, FakeVetter(), principal, command, allow_private=False)
    return sub


def errors_of(exc: InvalidInput) -> list[dict[str, Any]]:
    errors: list[dict[str, Any]] = exc.extra["errors"]
    return errors


# -- subscriptions -----------------------------------------------------------------------------


async def test_a_subscription_belongs_to_the_callers_tenancy_and_shows_its_secret_once() -> None:
    store = FakeStore()
    command = subscriptions.CreateSubscription(URL, ["deal-registered", "deal-registered"], "crm")
    sub, secret = await subscriptions.create_subscription(store, FakeVetter(), VENDOR, command, allow_private=False)
    assert secret.startswith("whsec_")
    assert (sub.owner_key, sub.owner_role, sub.owner_vendor_id) == ("vendor:v-1", "vendor", "v-1")
    assert sub.event_types == ["deal-registered"]  # duplicates dropped, order kept
    assert (sub.status, sub.version) == (SubscriptionStatus.ACTIVE, 1)
    assert store.subscriptions[sub.id].secret == secret


async def test_unknown_event_types_and_a_blocked_url_are_422_naming_each_field_and_store_nothing() -> None:
    store = FakeStore()
    vet = FakeVetter(blocked={"hooks.example.com": "a private address"})
    command = subscriptions.CreateSubscription(URL, ["deal-registered", "deal-vanished"])
    with pytest.raises(InvalidInput) as caught:
        await subscriptions.create_subscription(store, vet, VENDOR, command, allow_private=False)
    assert errors_of(caught.value) == [
        {"loc": ["body", "url"], "msg": "refused: a private address"},
        {"loc": ["body", "event_types"], "msg": "unknown event types: deal-vanished"},
    ]
    assert store.subscriptions == {}


async def test_a_url_that_is_not_absolute_http_or_does_not_resolve_is_refused() -> None:
    store = FakeStore()
    for url, msg in [
        ("ftp://hooks.example.com/", "must be an absolute http or https URL"),
        ("https://nowhere.invalid/", "the host 'nowhere.invalid' does not resolve"),
    ]:
        command = subscriptions.CreateSubscription(url, ["deal-registered"])
        with pytest.raises(InvalidInput) as caught:
            await subscriptions.create_subscription(
                store, FakeVetter(unknown=frozenset({"nowhere.invalid"})), VENDOR, command, allow_private=False
            )
        assert errors_of(caught.value) == [{"loc": ["body", "url"], "msg": msg}]


async def test_another_tenants_subscription_is_not_found_but_an_admin_sees_it() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    with pytest.raises(NotFound, match="No such subscription"):
        await subscriptions.get_subscription(store, OTHER_VENDOR, sub.id)
    with pytest.raises(NotFound):
        await subscriptions.delete_subscription(store, OTHER_VENDOR, sub.id, None)
    assert (await subscriptions.get_subscription(store, ADMIN, sub.id)).id == sub.id
    mine = await subscriptions.list_subscriptions(store, OTHER_VENDOR, subscriptions.ListSubscriptions())
    assert mine.items == []


async def test_a_stale_if_match_is_412_and_changes_nothing() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    with pytest.raises(PreconditionFailed) as caught:
        await subscriptions.rotate_subscription_secret(store, VENDOR, sub.id, '"7"', timedelta(hours=24))
    assert caught.value.extra == {"current_version": 1}
    assert store.subscriptions[sub.id].version == 1
    assert store.subscriptions[sub.id].secret == sub.secret


async def test_rotating_keeps_the_previous_secret_for_the_grace_period() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    rotated, secret = await subscriptions.rotate_subscription_secret(store, VENDOR, sub.id, "1", timedelta(hours=2))
    kept = store.subscriptions[sub.id]
    assert secret != sub.secret and kept.secret == secret
    assert kept.previous_secret == sub.secret
    assert kept.previous_secret_expires_at is not None
    assert kept.previous_secret_expires_at - kept.updated_at == timedelta(hours=2)
    assert rotated.version == kept.version == 2


async def test_deleting_fails_the_queued_deliveries_and_hides_the_subscription() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    await take_in(store, [Incoming(deal_event("v-1", "p-1", "d-1"))])
    await subscriptions.delete_subscription(store, VENDOR, sub.id, "1")
    assert [(d.status, d.last_error) for d in store.deliveries.values()] == [
        (DeliveryStatus.FAILED, "subscription deleted")
    ]
    with pytest.raises(NotFound):
        await subscriptions.get_subscription(store, VENDOR, sub.id)
    assert store.subscriptions[sub.id].status == SubscriptionStatus.DELETED  # kept for the log


async def test_subscriptions_are_listed_a_page_at_a_time() -> None:
    store = FakeStore()
    made = [await subscribe(store, VENDOR) for _ in range(3)]
    first = await subscriptions.list_subscriptions(store, VENDOR, subscriptions.ListSubscriptions(limit=2))
    assert first.next_cursor is not None
    second = await subscriptions.list_subscriptions(
        store, VENDOR, subscriptions.ListSubscriptions(limit=2, cursor=first.next_cursor)
    )
    assert [s.id for s in first.items + second.items] == [
        s.id for s in sorted(made, key=lambda s: (s.created_at, s.id))
    ]
    assert second.next_cursor is None


# -- the intake --------------------------------------------------------------------------------


async def test_an_event_goes_to_the_subscribers_of_its_type_within_their_tenancy_once() -> None:
    store = FakeStore()
    vendor = await subscribe(store, VENDOR)
    partner = await subscribe(store, PARTNER, ["deal-registered"])
    other = await subscribe(store, OTHER_VENDOR)
    approved_only = await subscribe(store, VENDOR, ["deal-approved"])
    event = deal_event("v-1", "p-1", "d-1")
    await take_in(store, [Incoming(event, "00-trace")])
    await take_in(store, [Incoming(event)])  # the same event again (e.g. another topic): not routed again
    queued = sorted(d.subscription_id for d in store.deliveries.values())
    assert queued == sorted([vendor.id, partner.id])
    assert other.id not in queued and approved_only.id not in queued
    assert store.events[event.id].event.traceparent == "00-trace"
    assert (store.events[event.id].event.vendor_id, store.events[event.id].event.partner_id) == ("v-1", "p-1")


async def test_a_deals_later_event_waits_behind_its_earlier_one() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    first, second = deal_event("v-1", "p-1", "d-1"), deal_event("v-1", "p-1", "d-1", "deal-approved")
    other_deal = deal_event("v-1", "p-1", "d-2")
    await take_in(store, [Incoming(first), Incoming(second), Incoming(other_deal)])
    due = {d.event_id: d.next_attempt_at is not None for d in store.deliveries.values() if d.subscription_id == sub.id}
    assert due == {first.id: True, second.id: False, other_deal.id: True}


# -- replays and redeliveries ------------------------------------------------------------------


async def test_a_replay_queues_the_owners_events_since_a_moment_in_order() -> None:
    store = FakeStore()
    sub = await subscribe(store, PARTNER, ["deal-registered"])
    mine = [deal_event("v-1", "p-1", f"d-{i}") for i in range(3)]
    theirs = deal_event("v-1", "p-9", "d-9")
    await take_in(store, [Incoming(e) for e in [mine[0], theirs, mine[1], mine[2]]])
    store.deliveries.clear()
    since = datetime.now(UTC) - timedelta(hours=1)
    result = await replay_subscription(store, PARTNER, ReplayCommand(sub.id, since), ReplayLimits())
    assert result.replayed.queued == 3
    assert [store.deliveries[i].event_id for i in result.replayed.delivery_ids] == [e.id for e in mine]


async def test_a_replay_over_the_maximum_is_422_with_its_count_and_queues_nothing() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    await take_in(store, [Incoming(deal_event("v-1", "p-1", f"d-{i}")) for i in range(3)])
    store.deliveries.clear()
    since = datetime.now(UTC) - timedelta(hours=1)
    with pytest.raises(InvalidInput) as caught:
        await replay_subscription(store, VENDOR, ReplayCommand(sub.id, since), ReplayLimits(maximum=2))
    assert caught.value.extra["count"] == 3 and caught.value.extra["maximum"] == 2
    assert errors_of(caught.value) == [{"loc": ["body", "since"], "msg": "the range holds 3 events"}]
    assert store.deliveries == {}
    assert store.requests == []  # the refused replay is not counted either (rolled back)


async def test_replays_over_the_hourly_limit_are_429_with_retry_after() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    since = datetime.now(UTC) - timedelta(hours=1)
    limits = ReplayLimits(per_hour=2)
    for _ in range(2):
        await replay_subscription(store, VENDOR, ReplayCommand(sub.id, since), limits)
    with pytest.raises(TooManyRequests, match="At most 2 replay requests per subscription and hour") as caught:
        await replay_subscription(store, VENDOR, ReplayCommand(sub.id, since), limits)
    assert caught.value.headers is not None
    assert 3500 <= int(caught.value.headers["Retry-After"]) <= 3600


async def test_a_second_replay_while_one_runs_is_429() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    store.replays_running.add(sub.id)
    with pytest.raises(TooManyRequests, match="already running") as caught:
        await replay_subscription(store, VENDOR, ReplayCommand(sub.id, datetime.now(UTC)), ReplayLimits())
    assert caught.value.headers == {"Retry-After": "1"}


async def test_nothing_is_replayed_or_redelivered_to_a_disabled_subscription() -> None:
    store = FakeStore()
    sub = await subscribe(store, VENDOR)
    await take_in(store, [Incoming(deal_event("v-1", "p-1", "d-1"))])
    [delivery_id] = store.deliveries
    store.subscriptions[sub.id].status = SubscriptionStatus.DISABLED
    with pytest.raises(Conflict, match="disabled"):
        await replay_subscription(store, VENDOR, ReplayCommand(sub.id, datetime.now(UTC)), ReplayLimits())
    with pytest.raises(Conflict, match="disabled"):
        await delivery_log.redeliver(store, VENDOR, delivery_id, per_hour=60)


async def test_a_redelivery_is_a_new_delivery_behind_the_deals_pending_ones() -> None:
    store = FakeStore()
    await subscribe(store, VENDOR)
    await take_in(store, [Incoming(deal_event("v-1", "p-1", "d-1"))])
    [original_id] = store.deliveries
    again = await delivery_log.redeliver(store, VENDOR, original_id, per_hour=60)
    assert again.id != original_id and again.event_id == store.deliveries[original_id].event_id
    assert again.next_attempt_at is None  # the original is still pending: the redelivery waits
    with pytest.raises(NotFound, match="No such delivery"):
        await delivery_log.redeliver(store, OTHER_VENDOR, original_id, per_hour=60)


async def test_the_delivery_log_is_newest_first_and_a_foreign_cursor_is_422() -> None:
    store = FakeStore()
    await subscribe(store, VENDOR)
    await take_in(store, [Incoming(deal_event("v-1", "p-1", f"d-{i}")) for i in range(3)])
    page = await delivery_log.list_deliveries(store, VENDOR, delivery_log.ListDeliveries(limit=2))
    rest = await delivery_log.list_deliveries(
        store, VENDOR, delivery_log.ListDeliveries(limit=2, cursor=page.next_cursor)
    )
    seqs = [d.seq for d in page.items + rest.items]
    assert seqs == sorted(seqs, reverse=True) and len(seqs) == 3
    assert (await delivery_log.list_deliveries(store, OTHER_VENDOR, delivery_log.ListDeliveries())).items == []
    with pytest.raises(InvalidInput) as caught:
        await delivery_log.list_deliveries(store, VENDOR, delivery_log.ListDeliveries(cursor="not-ours"))
    assert errors_of(caught.value)[0]["loc"] == ["query", "cursor"]


# -- what an attempt's outcome does ------------------------------------------------------------

NOW = datetime(2026, 12, 3, 12, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=2)
POLICY = DeliveryPolicy(
    retry_schedule=(timedelta(seconds=5), timedelta(minutes=5)),
    timeout=timedelta(seconds=10),
    disable_after=timedelta(days=1),
)


class NoJitter:
    def uniform(self, a: float, b: float) -> float:
        return 0.0


def leased(attempts: int = 0) -> tuple[Delivery, Subscription, Claimed]:
    delivery = Delivery("dl-1", "s-1", "e-1", "deal-registered", "d-1", DeliveryStatus.PENDING, attempts, NOW, NOW)
    delivery.lease_until = LEASE
    sub = Subscription(
        "s-1", "vendor:v-1", "vendor", "v-1", None, [], URL, ["deal-registered"], None, "whsec_x",
        SubscriptionStatus.ACTIVE, NOW, NOW, 1,
    )  # fmt: skip
    return delivery, sub, Claimed("dl-1", "s-1", "e-1", LEASE, "d-1")


def outcome_of(status: int | None, attempts: int = 0, sub_failing_since: datetime | None = None) -> Any:
    delivery, sub, claim = leased(attempts)
    sub.failing_since = sub_failing_since
    result = (
        AttemptResult(timedelta(seconds=1), status_code=status)
        if status is not None
        else AttemptResult(timedelta(seconds=1), error=TransportError.CONNECTION)
    )
    attempt = Attempt(result, None if status is not None else "ConnectError")
    followups = apply_outcome(delivery, sub, claim, classify(result, POLICY.timeout), attempt, NOW, POLICY, NoJitter())
    return delivery, sub, followups


def test_a_2xx_succeeds_and_ends_the_run_of_failures() -> None:
    delivery, sub, followups = outcome_of(204, sub_failing_since=NOW - timedelta(hours=1))
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (DeliveryStatus.SUCCEEDED, 1, 204)
    assert (sub.failing_since, sub.last_success_at) == (None, NOW)
    assert followups is not None and not followups.move_chain_on and followups.fail_pending is None


def test_a_failure_retries_by_the_schedule_and_keeps_the_chain_waiting() -> None:
    delivery, sub, followups = outcome_of(None)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.next_attempt_at == NOW + timedelta(seconds=5)
    assert delivery.last_error == "connection: ConnectError"
    assert sub.failing_since == NOW
    assert followups is not None and not followups.move_chain_on


def test_the_last_failure_fails_the_delivery_and_lets_the_deals_next_one_go() -> None:
    delivery, _, followups = outcome_of(500, attempts=2)
    assert (delivery.status, delivery.next_attempt_at, delivery.last_error) == (DeliveryStatus.FAILED, None, "HTTP 500")
    assert followups is not None and followups.move_chain_on


def test_410_gone_disables_the_subscription_and_fails_its_queue() -> None:
    delivery, sub, followups = outcome_of(410)
    assert delivery.status == DeliveryStatus.FAILED
    assert (sub.status, sub.disabled_reason, sub.version) == (
        SubscriptionStatus.DISABLED,
        "the receiver answered 410 Gone",
        2,
    )
    assert followups is not None
    assert followups.fail_pending == "subscription disabled: the receiver answered 410 Gone"


def test_a_day_of_nothing_but_failures_disables_the_subscription() -> None:
    _, sub, followups = outcome_of(503, sub_failing_since=NOW - timedelta(days=1))
    assert sub.status == SubscriptionStatus.DISABLED
    assert followups is not None and followups.fail_pending is not None
    _, sub, _ = outcome_of(503, sub_failing_since=NOW - timedelta(hours=23))
    assert sub.status == SubscriptionStatus.ACTIVE


def test_an_outcome_whose_lease_was_taken_over_changes_nothing() -> None:
    delivery, sub, claim = leased()
    delivery.lease_until = LEASE + timedelta(seconds=1)  # another worker claimed it since
    result = AttemptResult(timedelta(seconds=1), status_code=200)
    assert apply_outcome(delivery, sub, claim, classify(result), Attempt(result), NOW, POLICY, NoJitter()) is None
    assert (delivery.attempts, delivery.status) == (0, DeliveryStatus.PENDING)


# -- the delivery worker on its ports ----------------------------------------------------------


def claimable(role: str, owner: dict[str, Any]) -> tuple[ClaimedRow, Delivery, Subscription]:
    delivery, sub, _ = leased()
    sub.owner_role = role
    sub.owner_vendor_id, sub.owner_partner_id = owner.get("vendor_id"), owner.get("partner_id")
    event = deal_event("v-1", "p-1", "d-1")
    row = ClaimedRow(
        delivery_id=delivery.id,
        subscription_id=sub.id,
        event_id=event.id,
        subject="d-1",
        next_attempt_at=NOW,
        seq=1,
        url=URL,
        sealed_secret="sealed:whsec_" + "A" * 43 + "=",
        sealed_previous_secret=None,
        previous_secret_expires_at=None,
        owner_role=role,
        owner_vendor_id=sub.owner_vendor_id,
        owner_partner_id=sub.owner_partner_id,
        owner_partner_ids=[],
        body=event.to_json(),
        traceparent=None,
    )
    return row, delivery, sub


async def never(_: Any) -> None:
    return None


async def test_a_claimed_delivery_is_signed_with_the_event_id_and_partners_never_see_vendor_fields() -> None:
    vendor_row, vendor_delivery, sub = claimable("vendor", {"vendor_id": "v-1"})
    partner_row, _, _ = claimable("partner", {"partner_id": "p-1"})
    partner_row = ClaimedRow(**{**partner_row.__dict__, "delivery_id": "dl-2"})
    store = FakeDeliveryStore(
        claimable=[vendor_row, partner_row],
        deliveries={"dl-1": vendor_delivery, "dl-2": leased()[0]},
        subscriptions={sub.id: sub},
    )
    worker = DeliveryWorker(store, FakeSender(), PlainBox(), POLICY, never)
    vendor, partner = await worker.claim(5)
    assert vendor.headers["webhook-id"] == vendor_row.event_id
    assert vendor.headers["webhook-signature"].startswith("v1,")
    assert vendor.body is vendor_row.body  # the stored bytes, as they are
    assert b"conflicting_deal_ids" not in partner.body
    assert vendor.claim.lease_until == vendor_delivery.lease_until


async def test_a_failed_attempt_is_written_through_the_outcome_rules() -> None:
    row, delivery, sub = claimable("vendor", {"vendor_id": "v-1"})
    store = FakeDeliveryStore(claimable=[row], deliveries={delivery.id: delivery}, subscriptions={sub.id: sub})
    worker = DeliveryWorker(store, FakeSender(), PlainBox(), POLICY, never, rng=NoJitter())
    [prepared] = await worker.claim(1)
    gone = AttemptResult(timedelta(milliseconds=20), status_code=410)
    await worker.record(prepared.claim, Attempt(gone))
    assert (delivery.status, sub.status) == (DeliveryStatus.FAILED, SubscriptionStatus.DISABLED)
    assert store.followups[-1].fail_pending == "subscription disabled: the receiver answered 410 Gone"
