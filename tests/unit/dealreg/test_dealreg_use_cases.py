"""dealreg's use cases on in-memory stores (fakes.py): the rules a user notices, without I/O."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import orjson
import pytest
from dealreg_factories import deal

from dealreg.domain.deals import Customer, LineItem
from dealreg.domain.enrolment import PartnerTerms, Terms
from dealreg.domain.policy import ApprovalPolicy
from dealreg.service import batch, lifecycle, partners, policies, queries, scheduler
from dealreg.service.partners import PutPartner
from dealreg.service.registration import RegisterDeal, register
from events.topics import TopicNames
from events.vocabulary import DealEventType, DealStatus, PartnerEventType
from servicekit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, PreconditionFailed
from servicekit.principal import Principal, Role
from support.fakes import service_fakes

_fakes = service_fakes(__file__)
FakeDealStore = _fakes.FakeDealStore
FakeRegistrations = _fakes.FakeRegistrations
fake_unit_of_work = _fakes.fake_unit_of_work

TOPICS = TopicNames()
VENDOR = Principal(Role.VENDOR, sub="v-user", vendor_id="acme")
OTHER_VENDOR = Principal(Role.VENDOR, sub="o-user", vendor_id="initech")
PARTNER = Principal(Role.PARTNER, sub="rep-7", partner_id="p-100")
OTHER_PARTNER = Principal(Role.PARTNER, sub="rep-9", partner_id="p-200")
ADMIN = Principal(Role.ADMIN, sub="root")
TERMS = Terms(tier=1, territory="EMEA")


def store_with_deal(status: DealStatus = DealStatus.PENDING_APPROVAL, **overrides: Any) -> FakeDealStore:
    store = FakeDealStore()
    store.add_deal(deal(status, **overrides))
    store.enrol("p-100", "acme", TERMS)
    return store


def registration(**overrides: Any) -> RegisterDeal:
    base = RegisterDeal(
        vendor_id="acme",
        partner_id=None,
        rep=None,
        customer=Customer(name="Globex Corporation", domain="globex.com"),
        products=(LineItem(sku="FW-500", quantity=10, unit_price=Decimal("1200.00")),),
        currency="USD",
        margin_pct=Decimal("25"),
        expected_close_date=date(2030, 1, 1),
    )
    return replace(base, **overrides)


def enrolled_registrations() -> FakeRegistrations:
    registrations = FakeRegistrations()
    registrations.store.partners.add("p-100")
    registrations.store.terms[("p-100", "acme")] = PartnerTerms("p-100", "acme", TERMS)
    return registrations


# --- reading deals: tenancy ---


async def test_another_partners_deal_is_not_found_not_forbidden() -> None:
    store = store_with_deal()
    assert (await queries.visible_deal(store, PARTNER, "d-1")).id == "d-1"
    with pytest.raises(NotFound):
        await queries.visible_deal(store, OTHER_PARTNER, "d-1")
    with pytest.raises(NotFound):
        await queries.visible_deal(store, OTHER_VENDOR, "d-1")


async def test_the_deal_list_shows_only_the_callers_deals_and_pages_with_a_cursor() -> None:
    store = store_with_deal()
    for i in range(2, 5):
        store.add_deal(deal(id=f"d-{i}", created_at=deal().created_at + timedelta(minutes=i)))
    store.add_deal(deal(id="theirs", partner_id="p-200"))
    first = await queries.list_deals(store, PARTNER, queries.DealFilter(), limit=3, cursor=None)
    assert [d["id"] for d in first["items"]] == ["d-1", "d-2", "d-3"]
    rest = await queries.list_deals(store, PARTNER, queries.DealFilter(), limit=3, cursor=first["next_cursor"])
    assert [d["id"] for d in rest["items"]] == ["d-4"] and rest["next_cursor"] is None
    # A filter naming someone else's partner narrows, never widens.
    other = await queries.list_deals(store, PARTNER, queries.DealFilter(partner_id="p-200"), limit=10, cursor=None)
    assert other["items"] == []


# --- working a deal: who, which version, which state ---


async def test_the_vendor_approves_a_pending_deal_with_one_history_row_and_one_event() -> None:
    store = store_with_deal()
    approved = await lifecycle.decide(store, TOPICS, VENDOR, "d-1", "approve", "fits", '"3"')
    assert approved.status is DealStatus.APPROVED and approved.version == 4
    assert store.deals["d-1"] == approved
    assert [h["type"] for h in store.history_rows] == [DealEventType.DEAL_APPROVED]
    [(topic, key, event)] = store.outbox
    assert (topic, key, event.type) == (TOPICS.deals, "d-1", "deal-approved")
    assert event.data["partner"]["tier"] == 1 and event.data["reason"] == "fits"


async def test_a_stale_if_match_is_412_and_changes_nothing() -> None:
    store = store_with_deal()
    with pytest.raises(PreconditionFailed):
        await lifecycle.decide(store, TOPICS, VENDOR, "d-1", "approve", None, '"2"')
    assert store.deals["d-1"].status is DealStatus.PENDING_APPROVAL and store.outbox == []


async def test_the_partner_may_not_decide_and_another_vendor_sees_nothing() -> None:
    store = store_with_deal()
    with pytest.raises(Forbidden):
        await lifecycle.decide(store, TOPICS, PARTNER, "d-1", "approve", None, None)
    with pytest.raises(NotFound):
        await lifecycle.decide(store, TOPICS, OTHER_VENDOR, "d-1", "approve", None, None)


async def test_closing_a_pending_deal_is_a_409_invalid_transition() -> None:
    store = store_with_deal()
    with pytest.raises(Conflict) as refused:
        await lifecycle.close(store, TOPICS, PARTNER, "d-1", "won", None, None, None, None)
    assert refused.value.type == "/problems/invalid-transition"


async def test_a_won_deal_without_a_final_amount_keeps_its_registered_amount() -> None:
    store = store_with_deal(DealStatus.APPROVED, protection_expires_at=datetime.now(UTC) + timedelta(days=30))
    closed = await lifecycle.close(store, TOPICS, PARTNER, "d-1", "won", None, None, None, None)
    assert closed.final_amount == Decimal("12000.00") and closed.status is DealStatus.CLOSED


# --- registering ---


async def test_a_registration_is_stored_with_its_event_and_auto_approved_within_the_policy() -> None:
    registrations = enrolled_registrations()
    registrations.store.policy_by_vendor["acme"] = ApprovalPolicy(
        auto_approve_max_amount=Decimal("12000.00"), auto_approve_tiers=frozenset({1})
    )
    registered = await register(registrations, TOPICS, PARTNER, registration())
    assert registered.status is DealStatus.APPROVED and registered.amount == Decimal("12000.00")
    assert registered.margin_amount == Decimal("3000.00")
    assert [h["type"] for h in registrations.store.history] == ["deal-registered", "deal-approved"]
    assert [h["actor"] for h in registrations.store.history] == ["rep-7", "system:policy"]


async def test_the_same_registration_twice_is_a_duplicate_409_and_writes_nothing() -> None:
    registrations = enrolled_registrations()
    first = await register(registrations, TOPICS, PARTNER, registration())
    with pytest.raises(Conflict) as duplicate:
        await register(registrations, TOPICS, PARTNER, registration())
    assert duplicate.value.extra["existing_deal_id"] == first.id
    assert len(registrations.store.deals) == 1


async def test_an_aggregator_must_name_the_partner_and_a_partner_not_enrolled_is_refused() -> None:
    registrations = enrolled_registrations()
    aggregator = Principal(Role.AGGREGATOR, sub="agg", partner_ids=frozenset({"p-100"}))
    with pytest.raises(InvalidInput) as missing:
        await register(registrations, TOPICS, aggregator, registration())
    assert missing.value.extra["errors"] == [{"loc": ["body", "partner_id"], "msg": "Field required for an aggregator"}]
    with pytest.raises(Forbidden, match="not enrolled with vendor 'initech'"):
        await register(registrations, TOPICS, PARTNER, registration(vendor_id="initech"))
    assert registrations.store.deals == []


class Answers:
    def refused(self, error: DomainError) -> tuple[int, dict[str, Any]]:
        return {Forbidden: 403, Conflict: 409}.get(type(error), 422), {"detail": error.detail}

    def reused_key(self) -> tuple[int, dict[str, Any]]:
        return 422, {"detail": "reused"}

    def failed(self) -> tuple[int, dict[str, Any]]:
        return 500, {"detail": "failed"}


async def test_a_batch_answers_each_item_and_replays_a_keyed_item() -> None:
    registrations = enrolled_registrations()
    items = [
        batch.BatchItem(0, registration(), key="k-0", fingerprint="f0"),
        batch.BatchItem(1, registration()),  # the same customer again: a duplicate of item 0
        batch.BatchItem(2, None, InvalidInput([{"loc": ["body", "items", 2], "msg": "bad"}])),
    ]
    results = await batch.register_batch(registrations, TOPICS, timedelta(hours=1), PARTNER, items, Answers())
    assert [(r["index"], r["status"]) for r in results] == [(0, 201), (1, 409), (2, 422)]
    again = await batch.register_batch(registrations, TOPICS, timedelta(hours=1), PARTNER, items[:1], Answers())
    assert again[0]["replayed"] is True and again[0]["deal"]["id"] == results[0]["deal"]["id"]
    assert orjson.loads(orjson.dumps(again[0]["deal"])) == results[0]["deal"]
    assert len(registrations.store.deals) == 1


async def test_a_vendor_may_not_run_a_batch() -> None:
    with pytest.raises(Forbidden):
        await batch.register_batch(FakeRegistrations(), TOPICS, timedelta(hours=1), VENDOR, [], Answers())


# --- policies and partners ---


async def test_policies_another_vendors_policy_is_404_and_a_put_moves_the_version() -> None:
    store = FakeDealStore()
    with pytest.raises(NotFound):
        await policies.get_policy(store, OTHER_VENDOR, "acme")
    assert (await policies.get_policy(store, VENDOR, "acme"))["default"] is True
    view, created = await policies.put_policy(store, VENDOR, "acme", ApprovalPolicy(max_extensions=2), None)
    assert created and view["version"] == 1 and view["max_extensions"] == 2
    with pytest.raises(PreconditionFailed):
        await policies.put_policy(store, VENDOR, "acme", ApprovalPolicy(), '"0"')
    _, created = await policies.put_policy(store, VENDOR, "acme", ApprovalPolicy(), '"1"')
    assert not created and store.policies_by_vendor["acme"].version == 2


async def test_a_vendor_enrols_a_partner_once_and_sets_only_its_own_enrolment() -> None:
    store = FakeDealStore()
    command = PutPartner("p-300", "Initrode", Terms(tier=2))
    view, created = await partners.put_partner(store, TOPICS, VENDOR, command, None)
    assert created and view["vendor_ids"] == ["acme"] and view["tier"] == 2
    assert [e.type for _, _, e in store.outbox] == [PartnerEventType.PARTNER_ENROLLED]
    _, created = await partners.put_partner(store, TOPICS, VENDOR, command, '"1"')
    assert not created and len(store.outbox) == 1  # nothing changed: nothing announced
    with pytest.raises(Forbidden):
        await partners.put_partner(store, TOPICS, VENDOR, replace(command, vendor_ids=["initech"]), None)
    with pytest.raises(Forbidden):
        await partners.put_partner(store, TOPICS, PARTNER, command, None)
    with pytest.raises(NotFound):
        await partners.get_partner(store, OTHER_VENDOR, "p-300")


# --- the scheduler ---


async def test_the_scheduler_signals_an_overdue_approval_once_and_expires_lapsed_protection() -> None:
    store = store_with_deal()
    store.add_deal(deal(DealStatus.APPROVED, id="d-2"))
    later = deal().approval_due_at + timedelta(days=100)
    first = await scheduler.run_pass(fake_unit_of_work(store), TOPICS, later)
    assert (first.overdue, first.expired) == (1, 1)
    assert store.deals["d-2"].status is DealStatus.EXPIRED
    second = await scheduler.run_pass(fake_unit_of_work(store), TOPICS, later)
    assert (second.overdue, second.expired) == (0, 0)
    assert [e.type for _, _, e in store.outbox] == ["deal-approval-overdue", "deal-expired"]
