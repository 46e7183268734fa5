"""Property: however Kafka delivers a program's deal events (interleaved across deals,
stage events of one deal out of order or repeated under new ids, any event redelivered
any number of times), a consumer that dedupes by event id and applies the rules with the
deal's earned rule keys books exactly what the rules book applied once to the distinct
events; every transfer balances; no deal passes its cap and no program its budget.

The consumer modelled here is the service's: accrue_event on the deal's state and the
budget's live balance, then post one transfer per granted amount to the ledger (which
refuses to overdraw the budget)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from incentives_factories import make_deal, make_program

from events.vocabulary import DealEventType
from events.vocabulary import DealStage as Stage
from incentives.domain.accrual import Accrual, DealRewardState, accrue_event
from incentives.domain.deals import BONUS_STAGES, DealFacts
from incentives.domain.deals import STEP_RANK as STAGE_RANK
from incentives.domain.ledger import (
    Ledger,
    Transfer,
    funding_transfer,
    program_budget_account,
    reward_id,
    transfer_for_grant,
    unbalanced_transfers,
)
from incentives.domain.programs import PayRegistrationOn, Program

D = Decimal
E = DealEventType
OPEN_STAGES = (Stage.QUALIFIED, Stage.PROPOSAL, Stage.NEGOTIATION)


@dataclass(frozen=True)
class Event:
    id: str
    type: DealEventType
    deal: DealFacts


def money(low: int, high: int) -> st.SearchStrategy[Decimal]:
    return st.integers(low * 100, high * 100).map(lambda cents: D(cents).scaleb(-2))


@st.composite
def programs(draw: st.DrawFn) -> Program:
    return make_program(
        registration_reward_pct=draw(st.sampled_from([D("0"), D("12.5"), D("25"), D("33.33")])),
        pay_registration_on=draw(st.sampled_from(PayRegistrationOn)),
        stage_bonuses=draw(st.dictionaries(st.sampled_from(BONUS_STAGES), money(0, 300), max_size=4)),
        close_won_pct=draw(st.sampled_from([D("0"), D("2"), D("2.5")])),
        clawback_on_reject=draw(st.booleans()),
        cap_per_deal=draw(st.none() | money(1, 400) | money(1, 2000)),  # small caps bind mid-event
        budget=draw(money(1, 6000)),
    )


@st.composite
def lifecycle(draw: st.DrawFn, deal_id: str) -> list[Event]:
    """One deal's distinct events in delivery order: stage events in any order, repeats allowed."""
    facts = make_deal(
        deal_id=deal_id,
        tier=draw(st.integers(1, 3)),
        rep_id=draw(st.sampled_from(["rep-1", "rep-2"])),
        margin_amount=draw(money(0, 3000)),
    )
    counter = iter(range(100))

    def event(event_type: DealEventType, stage: Stage, final: Decimal | None = None) -> Event:
        snapshot = make_deal(**{**facts.__dict__, "stage": stage, "final_amount": final})
        return Event(f"{deal_id}-e{next(counter)}", event_type, snapshot)

    events = [event(E.DEAL_REGISTERED, Stage.REGISTERED)]
    decision = draw(st.sampled_from(["pending", "rejected", "approved"]))
    if decision == "rejected":
        events.append(event(E.DEAL_REJECTED, Stage.REGISTERED))
    elif decision == "approved":
        events.append(event(E.DEAL_APPROVED, Stage.REGISTERED))
        events += [event(E.STAGE_ADVANCED, s) for s in draw(st.lists(st.sampled_from(OPEN_STAGES), max_size=5))]
        close = draw(st.sampled_from([None, Stage.CLOSED_WON, Stage.CLOSED_LOST]))
        if close is not None:
            events.append(event(E.DEAL_CLOSED, close, draw(money(0, 50000))))
    return events


@st.composite
def deliveries(draw: st.DrawFn) -> tuple[Program, list[list[Event]], list[Event], list[Event]]:
    """(program, per-deal lifecycles, distinct events interleaved, the stream with redeliveries)."""
    program = draw(programs())
    lifecycles = [draw(lifecycle(f"deal-{n}")) for n in range(draw(st.integers(1, 5)))]
    queues = [list(events) for events in lifecycles]
    distinct: list[Event] = []
    while any(queues):
        pick = draw(st.sampled_from([n for n, queue in enumerate(queues) if queue]))
        distinct.append(queues[pick].pop(0))
    # A redelivery lands anywhere after its original: key (position, copy, tiebreak).
    keyed = [(position, 0, position, event) for position, event in enumerate(distinct)]
    for position, event in enumerate(distinct):
        for copy in range(1, draw(st.integers(0, 2)) + 1):
            keyed.append((draw(st.integers(position, len(distinct))), copy, len(keyed), event))
    stream = [event for *_, event in sorted(keyed, key=lambda k: k[:3])]
    return program, lifecycles, distinct, stream


@dataclass
class Books:
    ledger: Ledger
    log: list[tuple[str, Accrual]] = field(default_factory=list)  # (deal_id, accrual) in booking order


def consume(program: Program, events: list[Event], *, dedupe: bool) -> Books:
    books = Books(Ledger())
    books.ledger.post(funding_transfer("funding", program.id, program.budget, program.currency))
    seen: set[str] = set()
    states: dict[str, DealRewardState] = defaultdict(DealRewardState)
    budget = program_budget_account(program.id)
    for event in events:
        if dedupe:
            if event.id in seen:
                continue
            seen.add(event.id)
        deal = event.deal
        accruals = accrue_event(
            program, event.type, deal, states[deal.deal_id], books.ledger.balance(budget, program.currency)
        )
        states[deal.deal_id] = states[deal.deal_id].after(accruals)
        for accrual in accruals:
            transfer = transfer_for_grant(
                reward_id(deal.deal_id, accrual.rule_key), program.id, deal.rep_id, accrual.granted, program.currency
            )
            if transfer is not None:
                books.ledger.post(transfer)  # raises BudgetExceeded were the budget ever overdrawn
            books.log.append((deal.deal_id, accrual))
    return books


def cents(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def expected_requests(program: Program, events: list[Event]) -> list[tuple[str, Decimal]]:
    """Oracle, from the formulas: the (rule_key, amount) a deal earns, in booking order, clawback aside."""
    types = {event.type for event in events}
    deal = events[0].deal
    multiplier = program.tier_multipliers[deal.tier]
    requests = []
    paid_on = E.DEAL_REGISTERED if program.pay_registration_on is PayRegistrationOn.REGISTERED else E.DEAL_APPROVED
    if paid_on in types:
        requests.append(
            ("registration", cents(deal.margin_amount * program.registration_reward_pct / 100 * multiplier))
        )
    reached = max((STAGE_RANK[event.deal.stage] for event in events if event.deal.stage in STAGE_RANK), default=0)
    for stage in BONUS_STAGES:
        if stage in program.stage_bonuses and STAGE_RANK[stage] <= reached:
            requests.append((f"stage:{stage}", cents(program.stage_bonuses[stage] * multiplier)))
    won = [event for event in events if event.deal.stage is Stage.CLOSED_WON]
    if won:
        final = won[0].deal.final_amount
        assert final is not None
        requests.append(("close", cents(final * program.close_won_pct / 100 * multiplier)))
    return [(key, amount) for key, amount in requests if amount != 0]


def transfers(books: Books) -> list[Transfer]:
    return list(books.ledger.transfers)


@settings(max_examples=300, deadline=None)
@given(deliveries())
def test_redelivered_and_reordered_events_book_the_rules_once(
    case: tuple[Program, list[list[Event]], list[Event], list[Event]],
) -> None:
    program, lifecycles, distinct, stream = case
    delivered = consume(program, stream, dedupe=True)
    once = consume(program, distinct, dedupe=False)

    # The ledger equals the rules applied once to the distinct events: same transfers, same cuts.
    assert transfers(delivered) == transfers(once)
    assert delivered.log == once.log

    # Every transaction sums to zero; money was only moved, never made.
    all_entries = delivered.ledger.entries()
    assert unbalanced_transfers(all_entries) == []
    assert sum(entry.amount for entry in all_entries) == 0

    per_deal: dict[str, list[Accrual]] = defaultdict(list)
    for deal_id, accrual in delivered.log:
        per_deal[deal_id].append(accrual)
    for events in lifecycles:
        deal_id = events[0].deal.deal_id
        accruals = per_deal[deal_id]
        keys = [a.rule_key for a in accruals]
        assert len(keys) == len(set(keys)), f"{deal_id} earned a rule twice: {keys}"
        # Stage order or repeats do not matter: the rules' formulas, each once, lowest stage first.
        rewards = [(a.rule_key, a.requested) for a in accruals if a.rule_key != "clawback"]
        assert rewards == expected_requests(program, events)
        # The running net never passes the cap, and a clawback brings the deal back to zero.
        running = D(0)
        for accrual in accruals:
            running += accrual.granted
            assert accrual.granted + accrual.cut == accrual.requested
            if program.cap_per_deal is not None:
                assert running <= program.cap_per_deal
        if "clawback" in keys:
            assert keys[-1] == "clawback"
            assert running == 0
            assert E.DEAL_REJECTED in {e.type for e in events}
            assert program.clawback_on_reject

    # The budget holds: never negative, and spent is what was granted.
    granted = sum((accrual.granted for _, accrual in delivered.log), D(0))
    remaining = delivered.ledger.balance(program_budget_account(program.id), program.currency)
    assert remaining >= 0
    assert program.budget - remaining == granted <= program.budget
    if not any(accrual.rule_key == "clawback" for _, accrual in delivered.log):
        # Without reversals, greedy limits grant exactly min(budget, sum over deals of min(cap, asked)).
        asked = [sum((a.requested for a in accruals), D(0)) for accruals in per_deal.values()]
        capped = [a if program.cap_per_deal is None else min(a, program.cap_per_deal) for a in asked]
        assert granted == min(program.budget, sum(capped, D(0)))
