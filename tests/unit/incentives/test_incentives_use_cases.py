"""incentives' use cases on in-memory stores (fakes.py): the money rules and who sees what, no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from incentives_factories import make_program

from events.envelope import CloudEvent
from events.schemas import RewardData
from incentives.domain.ledger import program_budget_account
from incentives.service import ledger, payouts, programs, proposals
from incentives.service.enrolments import keep_enrolments
from incentives.service.ports import LedgerFilter
from incentives.service.programs import ProgramTerms
from incentives.service.rewards import Unpayable, apply_deal_events
from servicekit.errors import BadRequest, Conflict, Forbidden, InvalidInput, NotFound, PreconditionFailed
from servicekit.principal import Principal, Role
from support.events import deal_data, deal_event
from support.fakes import service_fakes

_fakes = service_fakes(__file__)
FakeIncentivesStore = _fakes.FakeIncentivesStore
FakeRewardStore = _fakes.FakeRewardStore

D = Decimal
TOPIC = "t.incentives.v1"
REGISTERED_AT = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ADMIN = Principal(role=Role.ADMIN, sub="ops")
ACME = Principal(role=Role.VENDOR, sub="mgr", vendor_id="acme")
OTHER_VENDOR = Principal(role=Role.VENDOR, sub="mgr", vendor_id="initech")
PARTNER = Principal(role=Role.PARTNER, sub="rep-7", partner_id="p-100")


@dataclass(frozen=True)
class Item:
    event: CloudEvent
    traceparent: str | None = None


def registered(deal_id: str, **changes: Any) -> Item:
    """deal-registered for a tier-2 partner: 3000.00 margin x 25 % x 1.25 = 937.50 asked for."""
    return Item(deal_event("deal-registered", deal_data(deal_id, created_at=REGISTERED_AT, **changes)))


def reward_store(*programs_: tuple[Any, Decimal | None]) -> FakeRewardStore:
    store = FakeRewardStore()
    for program, budget in programs_:
        store.add_program(program, budget=budget)
    return store


# The deal-event path: program choice, budgets, duplicates, poison


async def test_a_partners_own_program_wins_over_the_vendor_wide_one() -> None:
    store = reward_store(
        (make_program(id="wide"), D("250000.00")), (make_program(id="own", partner_id="p-100"), D("250000.00"))
    )
    await apply_deal_events(store, [registered("deal-1")], TOPIC)
    assert [e.program_id for e in store.entries.values()] == ["own"]
    assert store.recorded == {"deal-1": "own"}


async def test_a_deal_keeps_its_program_of_record_when_another_appears() -> None:
    store = reward_store((make_program(id="wide"), D("250000.00")))
    await apply_deal_events(store, [registered("deal-1")], TOPIC)
    store.add_program(make_program(id="own", partner_id="p-100"), budget=D("250000.00"))
    advanced = deal_data("deal-1", created_at=REGISTERED_AT, stage="qualified", status="approved")
    await apply_deal_events(store, [Item(deal_event("stage-advanced", advanced))], TOPIC)
    assert {e.program_id for e in store.entries.values()} == {"wide"}
    assert store.entries[("deal-1", "stage:qualified")].amount == D("62.50")  # 50.00 x 1.25


async def test_a_budget_is_cut_never_overdrawn_and_the_cut_is_recorded() -> None:
    store = reward_store((make_program(), D("1000.00")))
    await apply_deal_events(store, [registered("deal-1"), registered("deal-2"), registered("deal-3")], TOPIC)
    granted = [(e.deal_id, e.amount, e.cut, e.cut_reason) for e in store.entries.values()]
    assert granted == [
        ("deal-1", D("937.50"), D("0.00"), None),
        ("deal-2", D("62.50"), D("875.00"), "budget_exhausted"),
        ("deal-3", D("0.00"), D("937.50"), "budget_exhausted"),
    ]
    assert store.ledger.accounts[program_budget_account("prog-1")] == D("0.00")
    assert len(store.outbox) == 2  # a reward cut to nothing is booked but not announced


async def test_the_reward_announced_is_a_valid_event_as_published() -> None:
    store = reward_store((make_program(), D("250000.00")))
    await apply_deal_events(store, [registered("deal-1")], TOPIC)
    [(topic, key, event, _)] = store.outbox
    published = CloudEvent.from_json(event.to_json())  # what a consumer reads: validated
    assert (topic, key, published) == (TOPIC, "deal-1", event)
    assert published.type == "reward-earned" and published.time.utcoffset() == timedelta(0)
    reward = RewardData.model_validate(published.data)
    assert (reward.deal_id, reward.amount, reward.currency) == ("deal-1", D("937.50"), "USD")


async def test_an_unlimited_program_pays_in_full() -> None:
    store = reward_store((make_program(), None))
    await apply_deal_events(store, [registered(f"deal-{n}") for n in range(3)], TOPIC)
    assert [e.amount for e in store.entries.values()] == [D("937.50")] * 3


async def test_an_event_applied_twice_pays_once() -> None:
    store = reward_store((make_program(), D("250000.00")))
    event = registered("deal-1")
    await apply_deal_events(store, [event], TOPIC)
    await apply_deal_events(store, [event], TOPIC)  # a redelivery the claim did not catch
    assert len(store.entries) == 1 and len(store.outbox) == 1
    assert store.ledger.accounts[program_budget_account("prog-1")] == D("250000.00") - D("937.50")


async def test_a_batch_books_what_one_by_one_books() -> None:
    events = [registered("deal-1"), registered("deal-2", partner_id="p-200", tier=3)]
    batch, single = reward_store((make_program(), D("1500.00"))), reward_store((make_program(), D("1500.00")))
    await apply_deal_events(batch, events, TOPIC)
    for item in events:
        await apply_deal_events(single, [item], TOPIC)
    assert batch.entries == single.entries
    assert batch.ledger.accounts == single.ledger.accounts
    assert batch.writes == 1 and single.writes == 2


async def test_a_tier_without_multiplier_is_unpayable_and_nothing_is_written() -> None:
    store = reward_store((make_program(), D("1000.00")))
    with pytest.raises(Unpayable, match="tier 7"):
        await apply_deal_events(store, [registered("deal-ok"), registered("deal-1", tier=7)], TOPIC)
    assert store.entries == {} and store.writes == 0


async def test_a_deal_without_program_earns_nothing_but_its_close_is_kept() -> None:
    store = reward_store((make_program(vendor_id="initech"), D("1000.00")))
    closed = deal_data("deal-1", created_at=REGISTERED_AT, stage="closed_won", outcome="won", final_amount="9000.00")
    await apply_deal_events(store, [Item(deal_event("deal-closed", closed))], TOPIC)
    assert store.entries == {} and store.writes == 0
    assert store.closes["deal-1"].amount == D("9000.00")


async def test_an_enrolment_is_never_rolled_back_by_an_older_version() -> None:
    store = FakeIncentivesStore()

    def enrolment(tier: int, version: int) -> CloudEvent:
        data = {"partner_id": "p-100", "vendor_id": "acme", "tier": tier, "version": version, "updated_at": NOW}
        return CloudEvent.model_validate(
            {**deal_event("partner-enrolled", deal_data()).model_dump(), "type": "partner-updated", "data": data}
        )

    await keep_enrolments(store, [enrolment(3, 2), enrolment(1, 1)])
    assert await store.enrolled_tier("p-100", "acme") == 3


# Programs


def terms(**changes: Any) -> ProgramTerms:
    fields: dict[str, Any] = {
        "vendor_id": "acme",
        "name": "FY27",
        "currency": "USD",
        "starts_on": date(2026, 10, 1),
        "ends_on": date(2027, 9, 30),
        "registration_reward_pct": D("25"),
        "tier_multipliers": {"1": D("1"), "2": D("1.25"), "3": D("1.5")},
        "budget": D("1000.00"),
    }
    return ProgramTerms(**{**fields, **changes})


async def test_a_new_program_funds_its_budget_and_shows_it_remaining() -> None:
    store = FakeIncentivesStore()
    created = await programs.create_program(store, terms(), NOW)
    assert (created.spent, created.remaining) == (D("0.00"), D("1000.00"))
    assert store.ledger.accounts[program_budget_account(created.record.program.id)] == D("1000.00")


async def test_programs_of_one_vendor_may_not_overlap() -> None:
    store = FakeIncentivesStore()
    first = await programs.create_program(store, terms(), NOW)
    with pytest.raises(Conflict) as refused:
        await programs.create_program(store, terms(starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31)), NOW)
    assert refused.value.extra["conflicting_program_ids"] == [first.record.program.id]


async def test_a_broken_program_rule_is_a_422_naming_its_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        await programs.create_program(FakeIncentivesStore(), terms(stage_bonuses={"qualified": D("50.001")}), NOW)
    assert [e["loc"] for e in refused.value.extra["errors"]] == [["body", "stage_bonuses"]]


async def test_a_partner_sees_a_program_only_when_enrolled_with_its_vendor() -> None:
    store = FakeIncentivesStore()
    program_id = (await programs.create_program(store, terms(), NOW)).record.program.id
    for outsider in (PARTNER, OTHER_VENDOR):
        with pytest.raises(NotFound):
            await programs.get_program(store, outsider, program_id)
    store.enrol("p-100", "acme")
    assert (await programs.get_program(store, PARTNER, program_id)).record.program.id == program_id
    page, _ = await programs.list_programs(store, PARTNER, vendor_id=None, limit=10, cursor=None)
    assert [v.record.program.id for v in page] == [program_id]


async def test_a_change_needs_the_current_version_and_the_vendor() -> None:
    store = FakeIncentivesStore()
    program_id = (await programs.create_program(store, terms(), NOW)).record.program.id
    with pytest.raises(Forbidden):
        await programs.change_program(store, PARTNER, program_id, name="x", ends_on=None, if_match=None)
    with pytest.raises(NotFound):
        await programs.change_program(store, OTHER_VENDOR, program_id, name="x", ends_on=None, if_match=None)
    with pytest.raises(PreconditionFailed) as stale:
        await programs.change_program(store, ACME, program_id, name="x", ends_on=None, if_match='"2"')
    assert stale.value.extra == {"current_version": 1}
    with pytest.raises(BadRequest):
        await programs.change_program(store, ACME, program_id, name="x", ends_on=None, if_match="²")
    changed = await programs.change_program(store, ACME, program_id, name="renamed", ends_on=None, if_match="1")
    assert (changed.record.program.name, changed.record.version) == ("renamed", 2)


# The ledger, statements and payouts


async def test_a_bad_ledger_cursor_is_a_422_naming_the_cursor() -> None:
    with pytest.raises(InvalidInput) as refused:
        await ledger.ledger_page(FakeIncentivesStore(), ADMIN, LedgerFilter(), limit=10, cursor="bm90LW91cnM")
    assert refused.value.extra["errors"][0]["loc"] == ["query", "cursor"]


async def test_a_partner_sees_only_its_own_ledger_and_rep() -> None:
    store = FakeIncentivesStore()
    store.book(partner_id="p-100", rep_id="rep-1")
    store.book(partner_id="p-200", rep_id="rep-2", deal_id="deal-2")
    page, _ = await ledger.ledger_page(store, PARTNER, LedgerFilter(), limit=10, cursor=None)
    assert [e.partner_id for e in page] == ["p-100"]
    with pytest.raises(NotFound):
        await ledger.rep_statements(store, PARTNER, "rep-2", period=None, currency=None)
    with pytest.raises(NotFound):
        await ledger.deal_rewards(store, PARTNER, "deal-2")


async def test_a_reps_currencies_are_never_added() -> None:
    store = FakeIncentivesStore()
    store.book(amount=D("100.00"), currency="USD")
    store.book(amount=D("70.00"), currency="EUR", deal_id="deal-2")
    statements = await ledger.rep_statements(store, ADMIN, "rep-1", period=None, currency=None)
    assert {c: s.statement.net for c, s in statements.items()} == {"EUR": D("70.00"), "USD": D("100.00")}
    with pytest.raises(InvalidInput):
        await ledger.rep_statements(store, ADMIN, "rep-1", period="2026Q5", currency=None)


async def test_one_payout_per_currency_each_entry_paid_once() -> None:
    store = FakeIncentivesStore()
    store.book(amount=D("100.00"), currency="USD")
    store.book(amount=D("50.00"), currency="USD", deal_id="deal-2")
    store.book(amount=D("70.00"), currency="EUR", deal_id="deal-3")
    store.book(amount=D("0.00"), currency="GBP", deal_id="deal-4")  # a reward cut to nothing is not paid
    booked = await payouts.create_payouts(store, vendor_id="acme", up_to=NOW, currency=None, topic=TOPIC, now=NOW)
    assert [(p.currency, p.total) for p in booked.created] == [("EUR", D("70.00")), ("USD", D("150.00"))]
    assert booked.first.currency == "EUR"
    assert [event.type for _, _, event in store.outbox] == ["payout-created", "payout-created"]
    with pytest.raises(Conflict):  # all paid now
        await payouts.create_payouts(store, vendor_id="acme", up_to=NOW, currency=None, topic=TOPIC, now=NOW)


async def test_another_vendors_payout_is_not_found() -> None:
    store = FakeIncentivesStore()
    store.book()
    booked = await payouts.create_payouts(store, vendor_id="acme", up_to=NOW, currency="USD", topic=TOPIC, now=NOW)
    assert (await payouts.get_payout(store, ACME, booked.first.id)).total == D("100.00")
    with pytest.raises(NotFound):
        await payouts.get_payout(store, OTHER_VENDOR, booked.first.id)


# Policies and proposals


def proposal(**program: Any) -> proposals.ProposeProgram:
    spec = terms(**{"partner_id": "p-100", "starts_on": date(2026, 12, 1), "cap_per_deal": D("500.00"), **program})
    forecast = programs.ForecastTerms(
        expected_registrations=10,
        win_rate=D("0.2"),
        avg_deal_amount=D("10000.00"),
        avg_margin_pct=D("20"),
        tier_mix={"1": D("1")},
    )
    return proposals.ProposeProgram(
        program=spec, program_json={}, pay_registration_on_given=None, forecast=forecast, forecast_json={}
    )


async def test_a_proposal_outside_the_policy_is_refused_naming_each_field() -> None:
    store = FakeIncentivesStore()
    with pytest.raises(InvalidInput) as refused:
        await proposals.propose(store, PARTNER, proposal(budget=D("90000.00"), registration_reward_pct=D("40")), NOW)
    fields = [e["loc"] for e in refused.value.extra["errors"]]
    assert fields == [["body", "program", "budget"], ["body", "program", "registration_reward_pct"]]
    assert store.proposals == {} and store.programs == {}


async def test_only_a_partner_proposes_and_only_for_itself() -> None:
    with pytest.raises(Forbidden):
        await proposals.propose(FakeIncentivesStore(), ACME, proposal(), NOW)
    with pytest.raises(Forbidden):
        await proposals.propose(FakeIncentivesStore(), PARTNER, proposal(partner_id="p-200"), NOW)


async def test_a_policy_put_honours_if_match() -> None:
    store = FakeIncentivesStore()
    first = await proposals.put_policy(store, "acme", {"min_roi": D("4")}, None, NOW)
    assert first.record is not None and first.record.version == 1
    with pytest.raises(PreconditionFailed):
        await proposals.put_policy(store, "acme", {"min_roi": D("5")}, "0", NOW)
    again = await proposals.put_policy(store, "acme", {}, "1", NOW)
    assert (again.policy.min_roi, again.defaults[:1]) == (D("3"), ["max_registration_reward_pct"])
    with pytest.raises(NotFound):  # a partner not enrolled with the vendor
        await proposals.get_policy(store, PARTNER, "acme")
