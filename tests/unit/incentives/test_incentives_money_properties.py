"""Property (issue 15): for any sequence of programs, approved proposals and deal events, with
duplicates (the same id redelivered, or the same event resent under a new id) and any
reordering of when programs appear relative to deal events, no deal is paid by more than
one program, and no budget is exceeded or credited by money it did not pay.

Pure domain, no I/O: RewardBook composes the functions both service paths use (program of
record, accrue_event, the double-entry ledger that refuses to overdraw a budget).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from incentives_factories import make_deal, make_program

from events.vocabulary import DealEventType
from events.vocabulary import DealStage as Stage
from incentives.domain.book import RewardBook
from incentives.domain.deals import BONUS_STAGES, DealFacts
from incentives.domain.ledger import entries, program_budget_account, unbalanced_transfers
from incentives.domain.programs import PayRegistrationOn, Program

D = Decimal
E = DealEventType
START = date(2026, 1, 1)
PARTNERS = ("p-1", "p-2")


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 100, high * 100).map(lambda cents: D(cents).scaleb(-2))


def moment(day: int, second: int) -> datetime:
    return datetime.combine(START, datetime.min.time(), UTC) + timedelta(days=day, seconds=second)


@st.composite
def programs(draw: st.DrawFn) -> list[Program]:
    """Vendor-wide programs in disjoint quarters, partner programs (a vendor's, or an approved
    proposal's with effective_from) overlapping them, in USD or EUR."""
    out: list[Program] = []
    for i in range(draw(st.integers(1, 3))):
        out.append(_program(draw, f"wide-{i}", None, START + timedelta(days=30 * i), 29, None))
    for i in range(draw(st.integers(0, 3) | st.integers(1, 3))):
        partner = draw(st.sampled_from((*PARTNERS, "p-1")))
        first = draw(st.integers(0, 20) | st.integers(0, 60))
        effective = None
        if draw(st.booleans()):
            effective = moment(first + draw(st.integers(0, 10)), draw(st.integers(0, 86399)))
        out.append(_program(draw, f"own-{i}", partner, START + timedelta(days=first), 70, effective))
    return out


def _program(
    draw: st.DrawFn, program_id: str, partner: str | None, starts: date, days: int, effective: datetime | None
) -> Program:
    return make_program(
        id=program_id,
        vendor_id="acme",
        partner_id=partner,
        currency=draw(st.sampled_from(["USD"] * 5 + ["EUR"])),
        starts_on=starts,
        ends_on=starts + timedelta(days=days),
        effective_from=effective,
        registration_reward_pct=draw(st.sampled_from([D("0"), D("5"), D("25"), D("100"), D("100")])),
        pay_registration_on=draw(st.sampled_from(PayRegistrationOn)),
        stage_bonuses=draw(st.dictionaries(st.sampled_from(BONUS_STAGES), money(0, 300), min_size=1, max_size=4)),
        close_won_pct=draw(st.sampled_from([D("0"), D("2")])),
        clawback_on_reject=draw(st.booleans()),
        tier_multipliers={1: D("1"), 2: draw(st.sampled_from([D("1"), D("1.5")])), 3: D("10")},
        cap_per_deal=draw(st.none() | money(1, 500) | money(1, 3000)),
        budget=draw(money(1, 4000)),
    )


@dataclass(frozen=True)
class Delivery:
    id: str
    type: DealEventType
    deal: DealFacts
    registered_at: datetime


@st.composite
def deal_deliveries(draw: st.DrawFn, index: int) -> list[Delivery]:
    deal_id = f"deal-{index}"
    registered_at = moment(draw(st.integers(0, 29) | st.integers(0, 89)), draw(st.integers(0, 86399)))
    base = make_deal(
        deal_id=deal_id,
        partner_id=draw(st.sampled_from((*PARTNERS, "p-1"))),
        rep_id=f"rep-{index % 2}",
        tier=draw(st.integers(1, 3)),
        currency=draw(st.sampled_from(["USD"] * 5 + ["EUR"])),
        margin_amount=draw(money(1, 5000)),
    )
    kinds = draw(
        st.lists(
            st.sampled_from(
                [
                    (E.DEAL_REGISTERED, Stage.REGISTERED),
                    (E.DEAL_APPROVED, Stage.REGISTERED),
                    (E.STAGE_ADVANCED, Stage.QUALIFIED),
                    (E.STAGE_ADVANCED, Stage.PROPOSAL),
                    (E.STAGE_ADVANCED, Stage.NEGOTIATION),
                    (E.DEAL_CLOSED, Stage.CLOSED_WON),
                    (E.DEAL_CLOSED, Stage.CLOSED_LOST),
                    (E.DEAL_REJECTED, Stage.REGISTERED),
                ]
            ),
            min_size=1,
            max_size=7,
        )
    )
    final = draw(money(0, 100000))
    out = []
    for n, (event_type, stage) in enumerate(kinds):
        closed = final if stage.startswith("closed") else None
        facts = make_deal(**{**base.__dict__, "stage": stage, "final_amount": closed})
        out.append(Delivery(f"{deal_id}/ev-{n}", event_type, facts, registered_at))
    return out


@st.composite
def timelines(draw: st.DrawFn) -> tuple[list[Program], list[Program | Delivery]]:
    progs = draw(programs())
    deliveries = [d for i in range(draw(st.integers(1, 4))) for d in draw(deal_deliveries(i))]
    # Duplicates: some redelivered under the same id, some resent under a new one.
    again = draw(st.lists(st.sampled_from(deliveries), max_size=6))
    picked = draw(st.lists(st.sampled_from(deliveries), max_size=4))
    resent = [Delivery(d.id + "/resent", d.type, d.deal, d.registered_at) for d in picked]
    ops: list[Program | Delivery] = [*progs, *deliveries, *again, *resent]
    return progs, draw(st.permutations(ops))


@given(timelines())
@settings(max_examples=300, deadline=None)
def test_no_deal_is_paid_by_two_programs_and_no_budget_is_overdrawn_or_overcredited(
    timeline: tuple[list[Program], list[Program | Delivery]],
) -> None:
    progs, ops = timeline
    book = RewardBook()
    for op in ops:
        if isinstance(op, Program):
            book.add_program(op)
        else:
            book.apply(op.id, op.type, op.deal, op.registered_at)  # BudgetExceeded would fail the test

    paying: dict[str, set[str]] = defaultdict(set)
    paid: dict[tuple[str, str], Decimal] = defaultdict(lambda: D("0.00"))
    credited: dict[tuple[str, str], Decimal] = defaultdict(lambda: D("0.00"))
    for line in book.lines:
        paying[line.deal_id].add(line.program_id)
        if line.granted > 0:
            paid[line.program_id, line.deal_id] += line.granted
        else:
            credited[line.program_id, line.deal_id] -= line.granted
    assert all(len(ids) == 1 for ids in paying.values()), dict(paying)
    for key, back in credited.items():
        assert back <= paid[key], (key, back, paid[key])  # a clawback returns only what that program paid
    for program in progs:
        remaining = book.ledger.balance(program_budget_account(program.id), program.currency)
        assert D("0.00") <= remaining <= program.budget, (program.id, remaining)
        spent = sum((v for (p, _), v in paid.items() if p == program.id), D("0.00"))
        spent -= sum((v for (p, _), v in credited.items() if p == program.id), D("0.00"))
        assert program.budget - remaining == spent
    for deal_id, (program_id,) in paying.items():
        cap = book.programs[program_id].cap_per_deal
        net = paid[program_id, deal_id] - credited[program_id, deal_id]
        assert D("0.00") <= net and (cap is None or net <= cap)
    assert unbalanced_transfers(e for t in book.ledger.transfers for e in entries(t)) == []


def test_a_later_program_never_takes_a_rewarded_deal() -> None:
    """The issue's case: a partner program approved later, starting in the past, leaves a deal in flight alone."""
    wide = make_program(id="wide", budget=D("10000.00"), starts_on=START, ends_on=START + timedelta(days=90))
    later = make_program(
        id="later", partner_id="p-1", budget=D("5000.00"), starts_on=START, ends_on=START + timedelta(days=90),
        registration_reward_pct=D("100"),
    )  # fmt: skip
    book = RewardBook()
    book.add_program(wide)
    at = moment(10, 0)
    deal = make_deal(partner_id="p-1")
    book.apply("e1", E.DEAL_REGISTERED, deal, at)
    book.add_program(later)
    book.apply("e2", E.STAGE_ADVANCED, make_deal(partner_id="p-1", stage=Stage.PROPOSAL), at)
    book.apply("e3", E.DEAL_REJECTED, deal, at)
    assert {line.program_id for line in book.lines} == {"wide"}
    assert book.ledger.balance(program_budget_account("wide"), "USD") == D("10000.00")
    assert book.ledger.balance(program_budget_account("later"), "USD") == D("5000.00")
