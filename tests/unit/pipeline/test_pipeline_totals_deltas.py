"""totals_deltas: how a deal's change moves the stored totals of the keys it touches."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from pipeline.domain.deltas import TotalsKey, as_stored, totals_deltas
from pipeline.domain.periods import Quarter
from pipeline.domain.read_model import DealSnapshot, DealStage, DealStatus, Outcome
from pipeline.domain.totals import ZERO, contribution, totals_of

D = Decimal
Q1, Q2 = Quarter(2030, 1), Quarter(2030, 2)


def deal(deal_id: str, amount: str = "1000.00", expected: date | None = date(2030, 2, 15)) -> DealSnapshot:
    at = datetime(2030, 1, 5, tzinfo=UTC)
    return DealSnapshot(
        deal_id=deal_id, vendor_id="v", partner_id="p1", tier=None, territory=None, region=None,
        channel_manager=None, amount=D(amount), currency="USD", status=DealStatus.PENDING_APPROVAL,
        stage=DealStage.REGISTERED, expected_close_date=expected, closed_on=None, outcome=None,
        final_amount=None, created_at=at, last_event_time=at, last_sequence=1,
    )  # fmt: skip


def key(partner: str = "p1", period: str = "2030Q1", currency: str = "USD") -> TotalsKey:
    # v1.1: totals are kept per currency, so the key carries it.
    return TotalsKey(partner, "v", period, currency)


def test_a_new_deal_adds_its_contribution_to_its_quarter() -> None:
    new = deal("a")
    assert totals_deltas([(None, new)]) == {key(): contribution(new, Q1)}


def test_a_move_to_the_next_quarter_takes_from_one_key_and_adds_to_the_other() -> None:
    before = deal("a")
    after = replace(before, expected_close_date=date(2030, 4, 2), last_sequence=2)
    assert totals_deltas([(before, after)]) == {
        key(): ZERO - contribution(before, Q1),
        key(period="2030Q2"): contribution(after, Q2),
    }


def test_a_move_to_another_partner_touches_both_partners() -> None:
    before = deal("a")
    after = replace(before, partner_id="p2")
    assert set(totals_deltas([(before, after)])) == {key("p1"), key("p2")}


def test_a_change_the_figures_do_not_see_moves_nothing() -> None:
    before = deal("a")
    assert totals_deltas([(before, replace(before, territory="north", last_sequence=2))]) == {}
    assert totals_deltas([(None, deal("b", expected=None))]) == {}  # no close date: no period


def test_the_net_change_of_many_deals_is_the_change_of_their_totals() -> None:
    stored = [deal("a"), deal("b", "250.00"), deal("c", "75.00", expected=date(2030, 5, 1))]
    won = replace(stored[0], status=DealStatus.CLOSED, stage=DealStage.CLOSED_WON, outcome=Outcome.WON,
                  closed_on=date(2030, 3, 1), final_amount=D("900.00"))  # fmt: skip
    rejected = replace(stored[1], status=DealStatus.REJECTED)
    moved = replace(stored[2], expected_close_date=date(2030, 3, 1))
    new = deal("d", "10.00")
    after = [won, rejected, moved, new]
    deltas = totals_deltas(zip([*stored, None], after, strict=True))
    assert totals_of(stored, Q1) + deltas[key()] == totals_of(after, Q1)
    assert totals_of(stored, Q2) + deltas[key(period="2030Q2")] == totals_of(after, Q2)


def test_amounts_count_as_the_deals_table_stores_them() -> None:
    # NUMERIC(18, 2) rounds half-up: the totals add what a later read of the row subtracts.
    precise = deal("a", "100.005")
    assert as_stored(precise).amount == D("100.01")
    stored = deal("a", "100.01")
    assert totals_deltas([(None, precise)]) == totals_deltas([(None, stored)])
    assert totals_deltas([(stored, replace(precise, last_sequence=2))]) == {}


def test_a_change_of_currency_takes_from_one_currency_and_adds_to_the_other() -> None:
    before = deal("a", "500.00")
    after = replace(before, currency="EUR", last_sequence=2)
    deltas = totals_deltas([(before, after)])
    assert deltas == {key(currency="EUR"): contribution(after, Q1), key(): -contribution(before, Q1)}
