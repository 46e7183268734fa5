"""A key's scorecard totals kept current by deltas (domain.scorecards.fold_fact, the consumer's
path) equal cohort_totals from scratch (the rebuild's) after any sequence of fact changes,
with the median recomputed only when median_moves says so, from the middle decisions alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.read_model import DealStatus, Outcome
from pipeline.domain.scorecards import (
    CohortTotals,
    DealFact,
    cohort_totals,
    fold_fact,
    hours_to_decision,
    median_hours,
    median_moves,
)

T0 = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
PERIODS = ("2026Q3", "2026Q4", "2027Q1")
PARTNERS = ("p1", "p2")
Key = tuple[str, str, str]
KEYS: list[Key] = [("acme", p, per) for p in PARTNERS for per in PERIODS]


@st.composite
def facts(draw: st.DrawFn, deal_id: str) -> DealFact:
    """Any fact of a deal (its fields need not be consistent: the fold is arithmetic per field)."""
    outcome = draw(st.sampled_from([None, Outcome.WON, Outcome.LOST]))
    created = T0 + timedelta(minutes=draw(st.integers(0, 10_000)))
    # Decisions before, at or after registration (before counts as 0 hours), to the microsecond.
    decided = draw(st.one_of(st.none(), st.integers(-3_600_000_000, 900_000_000_000)))
    return DealFact(
        deal_id=deal_id,
        vendor_id="acme",
        partner_id=draw(st.sampled_from(PARTNERS)),
        registered_period=draw(st.sampled_from(PERIODS)),
        closed_period=draw(st.sampled_from([None, *PERIODS])),
        currency=draw(st.sampled_from(["USD", "EUR", "GBP"])),
        status=draw(st.sampled_from(list(DealStatus))),
        outcome=outcome,
        final_amount=draw(st.one_of(st.none(), st.decimals("0", "99999.99", places=2))),
        created_at=created,
        closed_on_days=draw(st.one_of(st.none(), st.integers(0, 400))),
        decided_at=None if decided is None else created + timedelta(microseconds=decided),
        overdue=draw(st.booleans()),
        conflict=draw(st.booleans()),
    )


@st.composite
def changes(draw: st.DrawFn) -> list[tuple[str, DealFact | None]]:
    """A sequence of (deal, its new fact or None: the fact removed) over a few deals."""
    deal_ids = [f"d{i}" for i in range(draw(st.integers(1, 8)))]
    out: list[tuple[str, DealFact | None]] = []
    for _ in range(draw(st.integers(1, 40))):
        deal_id = draw(st.sampled_from(deal_ids))
        out.append((deal_id, None if draw(st.integers(0, 9)) == 0 else draw(facts(deal_id))))
    return out


def middle_decisions(current: dict[str, DealFact], key: Key) -> list[timedelta]:
    """What the store answers: the cohort's middle one or two times to decision, ascending."""
    elapsed = sorted(
        f.decided_at - f.created_at
        for f in current.values()
        if (f.vendor_id, f.partner_id, f.registered_period) == key and f.decided_at is not None
    )
    n = len(elapsed)
    return elapsed[(n - 1) // 2 : n // 2 + 1]


@settings(max_examples=300, deadline=None)
@given(changes())
def test_folding_each_change_equals_the_totals_from_scratch(sequence: list[tuple[str, DealFact | None]]) -> None:
    current: dict[str, DealFact] = {}
    totals: dict[Key, CohortTotals] = {key: CohortTotals() for key in KEYS}
    for deal_id, after in sequence:
        before = current.pop(deal_id, None)
        if after is not None:
            current[deal_id] = after
        for key in KEYS:
            totals[key] = fold_fact(totals[key], key, before, after)
            if median_moves(key, before, after):
                hours = [hours_to_decision(e) for e in middle_decisions(current, key)]
                totals[key] = replace(totals[key], median_hours_to_decision=median_hours(hours))
        for key in KEYS:
            of_key = [f for f in current.values() if (f.vendor_id, f.partner_id) == key[:2]]
            assert totals[key] == cohort_totals(of_key, key[2]), (key, deal_id)


def test_a_registration_without_a_decision_leaves_the_median_and_a_decision_moves_it() -> None:
    key: Key = ("acme", "p1", "2026Q4")
    registered = DealFact(
        "d1", "acme", "p1", "2026Q4", None, "USD", DealStatus.PENDING_APPROVAL, None, None, T0, None, None, False, False
    )
    approved = replace(registered, status=DealStatus.APPROVED, decided_at=T0 + timedelta(hours=5))
    assert not median_moves(key, None, registered)
    assert not median_moves(key, registered, replace(registered, overdue=True))
    assert median_moves(key, registered, approved)
    assert median_moves(key, approved, None)
    assert not median_moves(("acme", "p1", "2027Q1"), registered, approved)  # another period's cohort
    assert not median_moves(key, approved, replace(approved, conflict=True))


def test_the_median_of_the_middle_two_is_the_exact_mean_rounded_half_up() -> None:
    hours = [hours_to_decision(timedelta(minutes=m)) for m in (61, 62)]  # 1.0166.. and 1.0333..
    assert median_hours(hours) == Decimal("1.03")
    assert hours_to_decision(timedelta(hours=-2)) == 0
    assert median_hours([]) is None
