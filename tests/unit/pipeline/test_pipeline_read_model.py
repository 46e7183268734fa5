import itertools
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from pipeline.domain.read_model import (
    DealSnapshot,
    DealStage,
    DealStatus,
    Outcome,
    apply_deal_event,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def deal(
    version: int | str | None = 1, status: str = "pending_approval", stage: str = "registered", **over: Any
) -> dict[str, Any]:
    """The deal JSON of the contract, plus `partner`, as deals.v1 events carry it."""
    data: dict[str, Any] = {
        "id": "d-1",
        "vendor_id": "acme",
        "partner_id": "p-100",
        "rep": {"id": "rep-7", "email": "rep7@partner.example", "name": "Ana Ruiz"},
        "customer": {"name": "Globex Corporation", "domain": "globex.com", "country": "US"},
        "products": [{"sku": "FW-500", "quantity": 10, "unit_price": "1200.00"}],
        "currency": "USD",
        "amount": "12000.00",
        "margin_pct": "25",
        "margin_amount": "3000.00",
        "status": status,
        "stage": stage,
        "conflict": False,
        "expected_close_date": "2027-02-15",
        "created_at": "2026-11-02T09:00:00Z",
        "updated_at": "2026-11-02T09:00:00Z",
        "version": version,
        "partner": {"id": "p-100", "tier": 2, "territory": "west", "region": "na", "channel_manager": "cm-1"},
    }
    data.update(over)
    if version is None:
        del data["version"]
    return data


CLOSE_WON = {"outcome": "won", "final_amount": "11500.00", "closed_on": "2027-02-01"}

# One deal's life, in order: (event type, deal data, event time).
LIFE: list[tuple[str, dict[str, Any], datetime]] = [
    ("deal-registered", deal(1), at(0)),
    ("deal-approved", deal(2, "approved"), at(5)),
    ("stage-advanced", deal(3, "approved", "proposal"), at(10)),
    ("deal-closed", deal(4, "closed", "closed_won", **CLOSE_WON), at(20)),
]


def fold(events: list[tuple[str, dict[str, Any], datetime]]) -> DealSnapshot:
    snapshot: DealSnapshot | None = None
    for event_type, data, time in events:
        snapshot = apply_deal_event(snapshot, event_type, data, time)
    assert snapshot is not None
    return snapshot


def test_registration_builds_the_snapshot_from_the_event() -> None:
    snap = apply_deal_event(None, "deal-registered", deal(1), at(0))
    assert snap == DealSnapshot(
        deal_id="d-1",
        vendor_id="acme",
        partner_id="p-100",
        tier=2,
        territory="west",
        region="na",
        channel_manager="cm-1",
        amount=Decimal("12000.00"),
        currency="USD",
        status=DealStatus.PENDING_APPROVAL,
        stage=DealStage.REGISTERED,
        expected_close_date=date(2027, 2, 15),
        closed_on=None,
        outcome=None,
        final_amount=None,
        created_at=T0,
        last_event_time=at(0),
        last_sequence=1,
    )
    assert snap.is_open
    assert snap.period_date == date(2027, 2, 15)


def test_a_life_in_order_ends_won_with_its_close_details() -> None:
    snap = fold(LIFE)
    assert (snap.status, snap.stage, snap.outcome) == (DealStatus.CLOSED, DealStage.CLOSED_WON, Outcome.WON)
    assert snap.final_amount == Decimal("11500.00")
    assert snap.closed_on == date(2027, 2, 1)
    assert snap.period_date == date(2027, 2, 1)  # the close date places a closed deal
    assert snap.is_won
    assert not snap.is_open
    assert snap.created_at == T0  # registration time survives later events
    assert snap.last_sequence == 4


@pytest.mark.parametrize("order", list(itertools.permutations(range(len(LIFE)))))
def test_any_delivery_order_ends_in_the_same_state(order: tuple[int, ...]) -> None:
    assert fold([LIFE[i] for i in order]) == fold(LIFE)


def test_redelivered_events_change_nothing() -> None:
    final = fold(LIFE)
    for event_type, data, time in LIFE:
        assert apply_deal_event(final, event_type, data, time) is final


def test_a_stale_event_is_ignored_and_returns_the_same_snapshot() -> None:
    closed = fold(LIFE)
    event_type, data, time = LIFE[2]
    assert apply_deal_event(closed, event_type, data, time) is closed


def test_the_version_decides_even_when_the_clock_disagrees() -> None:
    approved = apply_deal_event(None, "stage-advanced", deal(3, "approved", "negotiation"), at(10))
    # an older version stamped later (another writer's clock) must not roll the deal back
    after = apply_deal_event(approved, "deal-approved", deal(2, "approved", "registered"), at(30))
    assert after is approved


def test_a_newer_version_applies_even_with_an_earlier_clock() -> None:
    approved = apply_deal_event(None, "deal-approved", deal(2, "approved"), at(10))
    after = apply_deal_event(approved, "stage-advanced", deal(3, "approved", "qualified"), at(9))
    assert after.stage is DealStage.QUALIFIED


@pytest.mark.parametrize(
    ("first", "second", "expected_status"),
    [
        # without versions the event time decides
        (("deal-registered", deal(None), at(0)), ("deal-approved", deal(None, "approved"), at(5)), "approved"),
        (
            ("deal-approved", deal(None, "approved"), at(5)),
            ("deal-registered", deal(None), at(0)),
            "approved",
        ),
        # same instant (auto-approval in the registering request): the more advanced state wins
        (
            ("deal-registered", deal(None), at(0)),
            ("deal-approved", deal(None, "approved"), at(0)),
            "approved",
        ),
        (
            ("deal-approved", deal(None, "approved"), at(0)),
            ("deal-registered", deal(None), at(0)),
            "approved",
        ),
    ],
)
def test_time_decides_when_events_carry_no_version(
    first: tuple[str, dict[str, Any], datetime], second: tuple[str, dict[str, Any], datetime], expected_status: str
) -> None:
    assert fold([first, second]).status == expected_status


@pytest.mark.parametrize(
    ("event_type", "status", "stage", "expected_status", "is_open"),
    [
        ("deal-registered", "pending_approval", "registered", DealStatus.PENDING_APPROVAL, True),
        ("deal-registered", "approved", "registered", DealStatus.APPROVED, True),  # auto-approved
        ("deal-approved", "approved", "registered", DealStatus.APPROVED, True),
        ("deal-rejected", "rejected", "registered", DealStatus.REJECTED, False),
        ("stage-advanced", "approved", "negotiation", DealStatus.APPROVED, True),
        ("deal-expired", "expired", "proposal", DealStatus.EXPIRED, False),
        ("deal-extended", "approved", "proposal", DealStatus.APPROVED, True),
        ("deal-approval-overdue", "pending_approval", "registered", DealStatus.PENDING_APPROVAL, True),
        ("deal-closed", "closed", "closed_lost", DealStatus.CLOSED, False),
    ],
)
def test_each_event_type_sets_the_deals_status(
    event_type: str, status: str, stage: str, expected_status: DealStatus, is_open: bool
) -> None:
    registered = apply_deal_event(None, "deal-registered", deal(1), at(0))
    snap = apply_deal_event(registered, event_type, deal(2, status, stage), at(1))
    assert snap.status is expected_status
    assert snap.stage == stage
    assert snap.is_open is is_open


@pytest.mark.parametrize(
    ("event_type", "expected_status"),
    [
        ("deal-registered", DealStatus.PENDING_APPROVAL),
        ("deal-approved", DealStatus.APPROVED),
        ("deal-rejected", DealStatus.REJECTED),
        ("deal-expired", DealStatus.EXPIRED),
        ("deal-closed", DealStatus.CLOSED),
    ],
)
def test_status_follows_the_event_type_when_the_data_lacks_it(event_type: str, expected_status: DealStatus) -> None:
    data = deal(1)
    del data["status"]
    assert apply_deal_event(None, event_type, data, at(0)).status is expected_status


def test_approval_overdue_without_status_keeps_the_status_it_had() -> None:
    approved = apply_deal_event(None, "deal-approved", deal(2, "approved"), at(0))
    data = deal(3)
    del data["status"]
    assert apply_deal_event(approved, "deal-approval-overdue", data, at(1)).status is DealStatus.APPROVED


@pytest.mark.parametrize(
    ("stage", "outcome", "won", "lost"),
    [("closed_won", Outcome.WON, True, False), ("closed_lost", Outcome.LOST, False, True)],
)
def test_a_close_without_its_details_takes_outcome_from_stage_and_amount_and_day_from_the_event(
    stage: str, outcome: Outcome, won: bool, lost: bool
) -> None:
    snap = apply_deal_event(None, "deal-closed", deal(4, "closed", stage), datetime(2026, 12, 31, 23, 0, tzinfo=UTC))
    assert snap.outcome is outcome
    assert snap.final_amount == Decimal("12000.00")
    assert snap.closed_on == date(2026, 12, 31)
    assert (snap.is_won, snap.is_lost) == (won, lost)


def test_a_close_without_a_stage_takes_the_stage_from_the_outcome() -> None:
    data = deal(4, "closed", **CLOSE_WON)
    del data["stage"]
    assert apply_deal_event(None, "deal-closed", data, at(0)).stage is DealStage.CLOSED_WON


def test_later_partner_attributes_replace_earlier_ones() -> None:
    registered = apply_deal_event(None, "deal-registered", deal(1), at(0))
    moved = {"id": "p-100", "tier": 1, "territory": "east", "region": "emea", "channel_manager": "cm-9"}
    snap = apply_deal_event(registered, "deal-approved", deal(2, "approved", partner=moved), at(1))
    assert (snap.tier, snap.territory, snap.region, snap.channel_manager) == (1, "east", "emea", "cm-9")


def test_partner_id_falls_back_to_the_partner_object() -> None:
    data = deal(1)
    del data["partner_id"]
    assert apply_deal_event(None, "deal-registered", data, at(0)).partner_id == "p-100"


def test_timestamps_with_offsets_are_kept_in_utc() -> None:
    snap = apply_deal_event(None, "deal-registered", deal(1, created_at="2026-11-02T10:00:00+01:00"), at(0))
    assert snap.created_at == T0
    assert snap.created_at.tzinfo is UTC


def test_created_at_defaults_to_the_registration_event_time() -> None:
    data = deal(1)
    del data["created_at"]
    assert apply_deal_event(None, "deal-registered", data, at(3)).created_at == at(3)


@pytest.mark.parametrize(
    ("event_type", "data", "time", "message"),
    [
        ("pipeline-updated", deal(1), at(0), "not a deal event type"),
        ("deal-registered", deal(1), datetime(2026, 11, 2, 9, 0), "timezone-aware"),
        ("deal-registered", deal(1, amount=12000.5), at(0), "amount must be a decimal string"),
        ("deal-registered", deal(1, amount="12k"), at(0), "decimal number"),
        ("deal-registered", deal(1, status="open"), at(0), "unknown status"),
        ("deal-registered", deal(1, stage="won"), at(0), "unknown stage"),
        ("deal-registered", deal(1, expected_close_date="15/02/2027"), at(0), "expected_close_date must be a date"),
        ("deal-registered", deal(1, created_at="2026-11-02T09:00:00"), at(0), "created_at must carry a UTC offset"),
        ("deal-registered", deal("v2"), at(0), "version must be an integer"),
        ("deal-registered", deal(1, amount=None), at(0), "lacks amount"),
        ("deal-registered", deal(1, id=None), at(0), "lacks id"),
    ],
)
def test_malformed_events_raise_value_error(
    event_type: str, data: dict[str, Any], time: datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        apply_deal_event(None, event_type, data, time)


def test_an_event_of_another_deal_is_refused() -> None:
    snap = apply_deal_event(None, "deal-registered", deal(1), at(0))
    with pytest.raises(ValueError, match="applied to deal"):
        apply_deal_event(snap, "deal-approved", deal(2, "approved", id="d-2"), at(1))


def test_interleaved_deals_each_keep_their_own_order() -> None:
    other = [
        ("deal-registered", deal(1, id="d-2", amount="500.00"), at(1)),
        ("deal-rejected", deal(2, "rejected", id="d-2", amount="500.00"), at(2)),
    ]
    stream = [LIFE[0], other[0], LIFE[1], other[1], LIFE[3], LIFE[2]]  # d-1's stage-advanced arrives late
    snapshots: dict[str, DealSnapshot] = {}
    for event_type, data, time in stream:
        current = snapshots.get(data["id"])
        snapshots[data["id"]] = apply_deal_event(current, event_type, data, time)
    assert snapshots["d-1"] == fold(LIFE)
    assert snapshots["d-2"].status is DealStatus.REJECTED
    assert snapshots["d-2"].amount == Decimal("500.00")
