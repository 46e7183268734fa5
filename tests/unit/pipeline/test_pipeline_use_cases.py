"""pipeline's use cases on the in-memory store (fakes.py): the rules a user notices, with no
PostgreSQL, Kafka or HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from events.batching import BatchItem
from events.consumer import PoisonEvent
from events.envelope import new_event
from events.topics import TopicNames
from pipeline.domain.keys import FiguresKey
from pipeline.service import plans, policies, queries
from pipeline.service.deal_events import on_deal_events
from pipeline.service.enrolments import on_enrolment_events
from pipeline.service.views import figures_json
from servicekit.errors import Forbidden, InvalidInput, NotFound, PreconditionFailed
from servicekit.principal import Principal, Role
from support.fakes import service_fakes

FakePipelineStore = service_fakes(__file__).FakePipelineStore

TOPICS = TopicNames("")
T0 = datetime(2030, 1, 5, 9, tzinfo=UTC)
PERIOD = "2030Q1"
ACME = Principal(Role.VENDOR, "u-acme", vendor_id="acme")
OTHER_VENDOR = Principal(Role.VENDOR, "u-globex", vendor_id="globex")
PARTNER = Principal(Role.PARTNER, "u-p1", partner_id="p-1")
OTHER_PARTNER = Principal(Role.PARTNER, "u-p2", partner_id="p-2")


# A deal of partner p-1 with acme, registered in 2030Q1 (as dealreg sends it, less what pipeline ignores).
DEAL: dict[str, Any] = dict(  # noqa: C408  (keyword form: reads as the deal's fields)
    vendor_id="acme",
    partner_id="p-1",
    currency="USD",
    amount="1000.00",
    status="pending_approval",
    stage="registered",
    expected_close_date="2030-02-15",
    created_at=T0.isoformat(),
    partner={"id": "p-1", "tier": 2, "territory": "west"},
)


def deal(deal_id: str, version: int = 1, **changes: Any) -> dict[str, Any]:
    return {**DEAL, "id": deal_id, "version": version, **changes}


def item(event_type: str, data: dict[str, Any], trace: str | None = None, minutes: int = 0) -> BatchItem:
    event = new_event(event_type=event_type, service="dealreg", subject=data["id"], data=data)
    return BatchItem(event.model_copy(update={"time": T0 + timedelta(minutes=minutes)}), trace)


def set_plan(target: str = "10000", if_match: str | None = None, period: str = PERIOD) -> plans.SetPlan:
    return plans.SetPlan("p-1", period, "acme", Decimal(target), "USD", if_match)


def set_policy(threshold: str = "0.80", if_match: str | None = None, **changes: Any) -> policies.SetPolicy:
    values: dict[str, Any] = {
        "vendor_id": "acme",
        "total_index": Decimal("2.0"),
        "risk_adjusted_index": Decimal("1.0"),
        "stage_probabilities": {},
        "at_risk_threshold": Decimal(threshold),
        "if_match": if_match,
    }
    return policies.SetPolicy(**{**values, **changes})


@pytest.fixture
def store() -> Any:
    made = FakePipelineStore()
    made.enrol("p-1", "acme")
    return made


# --- plans ---


async def test_a_plan_needs_the_partner_enrolled_with_the_vendor(store: Any) -> None:
    with pytest.raises(NotFound) as caught:
        await plans.set_plan(store, ACME, plans.SetPlan("p-9", PERIOD, "acme", Decimal(5), "USD"), TOPICS)
    assert caught.value.detail == "No such partner enrolled with this vendor."
    assert store.state.plans == {} and store.events() == []


async def test_setting_a_plan_versions_it_and_announces_the_figures(store: Any) -> None:
    first = await plans.set_plan(store, ACME, set_plan("10000"), TOPICS)
    second = await plans.set_plan(store, ACME, set_plan("12000", if_match="1"), TOPICS)
    assert (first.version, second.version, second.revenue_target) == (1, 2, Decimal("12000"))
    announced = store.events("pipeline-updated")
    assert [e.data["figures"]["plan"] for e in announced] == ["10000.00", "12000.00"]
    assert store.commits == 2


async def test_a_stale_if_match_is_412_and_changes_nothing(store: Any) -> None:
    await plans.set_plan(store, ACME, set_plan("10000"), TOPICS)
    sent = len(store.events())
    with pytest.raises(PreconditionFailed):
        await plans.set_plan(store, ACME, set_plan("99999", if_match="0"), TOPICS)
    assert (await plans.get_plan(store, ACME, "p-1", PERIOD, "acme")).revenue_target == Decimal("10000")
    assert len(store.events()) == sent  # the rolled-back attempt announced nothing


async def test_a_bad_period_is_a_422_naming_it(store: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        await plans.set_plan(store, ACME, set_plan(period="2030Q5"), TOPICS)
    assert caught.value.extra["errors"][0]["loc"] == ["path", "period"]


async def test_another_tenant_never_sees_a_plan(store: Any) -> None:
    await plans.set_plan(store, ACME, set_plan(), TOPICS)
    assert (await plans.get_plan(store, PARTNER, "p-1", PERIOD, "acme")).version == 1
    for stranger in (OTHER_PARTNER, OTHER_VENDOR):
        with pytest.raises(NotFound):
            await plans.get_plan(store, stranger, "p-1", PERIOD, "acme")
    with pytest.raises(NotFound):  # another vendor cannot set acme's plans: 404, never revealed
        await plans.set_plan(store, OTHER_VENDOR, set_plan(), TOPICS)
    with pytest.raises(Forbidden):  # a partner may read its plan but not set it
        await plans.set_plan(store, PARTNER, set_plan(), TOPICS)


# --- policies ---


async def test_a_vendor_without_a_policy_reads_the_defaults(store: Any) -> None:
    view = await policies.get_policy(store, ACME, "acme")
    assert view.stored is None and view.policy.at_risk_threshold == Decimal("0.80")


async def test_an_invalid_policy_is_a_422_naming_the_field(store: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        await policies.set_policy(store, ACME, set_policy(threshold="-0.5"), TOPICS)
    assert caught.value.extra["errors"][0]["loc"] == ["body", "at_risk_threshold"]
    with pytest.raises(InvalidInput) as caught:
        await policies.set_policy(store, ACME, set_policy(stage_probabilities={"proposal": Decimal("1.5")}), TOPICS)
    assert caught.value.extra["errors"][0]["loc"] == ["body", "stage_probabilities", "proposal"]
    assert store.state.policies == {}


async def test_a_stricter_policy_puts_a_planned_partner_at_risk_at_once(store: Any) -> None:
    await plans.set_plan(store, ACME, set_plan("10000"), TOPICS)
    await on_deal_events(store, [item("deal-registered", deal("d-1", amount="20000.00"))], TOPICS)
    # 20000 x 0.10 (registered) = 2000 against a risk-adjusted target of 10000: coverage 0.2.
    assert store.events("pipeline-at-risk")  # already below the default 0.80
    before = len(store.events("pipeline-at-risk"))
    view = await policies.set_policy(store, ACME, set_policy(threshold="0.10", if_match="0"), TOPICS)
    assert view.stored is not None and view.stored.version == 1
    assert store.state.flags[FiguresKey("p-1", "acme", PERIOD)] is False  # recovered: 0.2 >= 0.10
    await policies.set_policy(store, ACME, set_policy(threshold="0.50", if_match="1"), TOPICS)
    assert len(store.events("pipeline-at-risk")) == before + 1
    assert store.state.flags[FiguresKey("p-1", "acme", PERIOD)] is True


# --- the deal-event path ---


async def test_a_batch_announces_each_key_once_with_its_last_trace(store: Any) -> None:
    batch = [
        item("deal-registered", deal("d-1"), "t1"),
        item("deal-registered", deal("d-2", amount="500.00"), "t2"),
        item("stage-advanced", deal("d-1", 2, status="approved", stage="proposal"), "t3", 1),
        item("deal-registered", deal("d-1"), "t4", 2),  # stale: version 1 again
    ]
    await on_deal_events(store, batch, TOPICS)
    sent = [(e.type, e.data["period"], trace) for _, _, e, trace in store.state.outbox]
    assert sent == [("pipeline-updated", PERIOD, "t3")]
    figures = store.events()[0].data["figures"]
    assert (figures["open_deals"], figures["pipeline_total"]) == (2, "1500.00")
    assert store.state.deals["d-1"].last_sequence == 2


async def test_money_finer_than_cents_counts_as_stored(store: Any) -> None:
    await on_deal_events(store, [item("deal-registered", deal("d-1", amount="250.125"))], TOPICS)
    found = await queries.partner_pipeline(store, PARTNER, "p-1", "acme", PERIOD)
    assert figures_json(found.figures)["pipeline_total"] == "250.13"  # half-up, as NUMERIC(18, 2)


async def test_a_deal_moving_quarters_leaves_the_old_one(store: Any) -> None:
    await on_deal_events(store, [item("deal-registered", deal("d-1"))], TOPICS)
    moved = deal("d-1", 2, status="approved", expected_close_date="2030-05-01")
    await on_deal_events(store, [item("deal-extended", moved, minutes=1)], TOPICS)
    old = await queries.partner_pipeline(store, ACME, "p-1", "acme", PERIOD)
    new = await queries.partner_pipeline(store, ACME, "p-1", "acme", "2030Q2")
    assert (old.figures.open_deals, new.figures.open_deals) == (0, 1)


async def test_a_poison_event_fails_the_batch(store: Any) -> None:
    with pytest.raises(PoisonEvent, match="flying"):
        await on_deal_events(store, [item("deal-registered", deal("d-1", status="flying"))], TOPICS)


async def test_a_stranger_cannot_read_a_partners_pipeline(store: Any) -> None:
    with pytest.raises(NotFound):
        await queries.partner_pipeline(store, OTHER_PARTNER, "p-1", "acme", PERIOD)


# --- enrolments and rollups ---


async def test_only_a_newer_enrolment_replaces_the_held_one(store: Any) -> None:
    def enrolled(version: int, tier: int) -> BatchItem:
        data = {
            "partner_id": "p-5",
            "vendor_id": "acme",
            "tier": tier,
            "version": version,
            "updated_at": T0.isoformat(),
        }
        return BatchItem(new_event(event_type="partner-updated", service="dealreg", subject="p-5", data=data), None)

    await on_enrolment_events(store, [enrolled(3, 3), enrolled(2, 1)])
    await on_enrolment_events(store, [enrolled(1, 2)])
    assert store.state.enrolments[("p-5", "acme")].tier == 3
    with pytest.raises(ValidationError):
        await on_enrolment_events(
            store, [BatchItem(new_event(event_type="partner-updated", service="dealreg", subject="x", data={}), None)]
        )


async def test_rollups_page_through_every_group_and_stay_with_their_vendor(store: Any) -> None:
    for n in range(3):
        data = deal(f"d-{n}", partner_id=f"p-{n}", partner={"id": f"p-{n}", "tier": 1, "territory": f"t{n}"})
        await on_deal_events(store, [item("deal-registered", data)], TOPICS)
    seen: list[str | None] = []
    cursor = None
    while True:
        page = await queries.rollups(store, ACME, "acme", PERIOD, "partner", 2, cursor)
        seen.extend(g.key for g in page.items)
        if (cursor := page.next_cursor) is None:
            break
    assert seen == ["p-0", "p-1", "p-2"]
    with pytest.raises(NotFound):
        await queries.rollups(store, OTHER_VENDOR, "acme", PERIOD, "partner", 2, None)
    with pytest.raises(InvalidInput):
        await queries.rollups(store, ACME, "acme", PERIOD, "partner", 2, "not-a-cursor")


def test_an_impossible_win_rate_is_a_422_naming_it() -> None:
    command = queries.PlanLeads(Decimal(100000), Decimal(10000), Decimal("1.5"), Decimal("0.2"), Decimal(0))
    with pytest.raises(InvalidInput) as caught:
        queries.plan_leads(command)
    assert caught.value.extra["errors"][0]["loc"] == ["body", "win_rate"]
