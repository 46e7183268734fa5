from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from incentives_factories import make_line

from incentives.domain.ledger import TransferKind, entries_of, rep_paid_account, rep_payable_account
from incentives.domain.payouts import PayoutLine, build_payout, payout_transfers
from incentives.domain.rules import RewardKind

D = Decimal
UP_TO = datetime(2026, 12, 1, tzinfo=UTC)
BEFORE = datetime(2026, 11, 1, tzinfo=UTC)

LINES = [
    make_line(id="a1", rep_id="rep-a", amount=D("100.00"), created_at=BEFORE),
    make_line(id="a2", rep_id="rep-a", amount=D("50.00"), created_at=UP_TO),  # exactly up_to: included
    make_line(id="a3", rep_id="rep-a", amount=D("-30.00"), kind=RewardKind.CLAWBACK, created_at=BEFORE),
    make_line(id="a4", rep_id="rep-a", amount=D("70.00"), created_at=datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC)),
    make_line(id="a5", rep_id="rep-a", amount=D("10.00"), created_at=BEFORE, payout_id="po-0"),  # already paid
    make_line(id="b1", rep_id="rep-b", partner_id="p-200", amount=D("40.00"), created_at=BEFORE),
    make_line(
        id="b2", rep_id="rep-b", partner_id="p-200", amount=D("-40.00"), kind=RewardKind.CLAWBACK, created_at=BEFORE
    ),  # nets to zero
    make_line(id="c1", rep_id="rep-c", amount=D("-25.00"), kind=RewardKind.CLAWBACK, created_at=BEFORE),  # owes
    make_line(id="d1", rep_id="rep-d", amount=D("5.00"), created_at=BEFORE, vendor_id="globex"),
    make_line(id="e1", rep_id="rep-e", amount=D("5.00"), created_at=BEFORE, currency="EUR"),
    make_line(id="f1", rep_id="rep-f", amount=D("0.01"), created_at=BEFORE),
]


def test_a_batch_pays_each_reps_unpaid_net_up_to_the_time() -> None:
    batch = build_payout(LINES, vendor_id="acme", currency="USD", up_to=UP_TO)
    assert batch.lines == (
        PayoutLine("rep-a", "p-100", D("120.00"), 3),
        PayoutLine("rep-f", "p-100", D("0.01"), 1),
    )
    assert batch.total == D("120.01")
    assert sorted(batch.entry_ids) == ["a1", "a2", "a3", "f1"]


def test_settled_entries_are_never_in_a_second_batch() -> None:
    first = build_payout(LINES, vendor_id="acme", currency="USD", up_to=UP_TO)
    marked = [
        make_line(**{**line.__dict__, "payout_id": "po-1"}) if line.id in first.entry_ids else line for line in LINES
    ]
    second = build_payout(marked, vendor_id="acme", currency="USD", up_to=datetime(2027, 1, 1, tzinfo=UTC))
    assert set(first.entry_ids).isdisjoint(second.entry_ids)
    assert second.lines == (PayoutLine("rep-a", "p-100", D("70.00"), 1),)


def test_an_empty_batch() -> None:
    batch = build_payout(LINES, vendor_id="initech", currency="USD", up_to=UP_TO)
    assert (batch.lines, batch.total, batch.entry_ids) == ((), D("0.00"), ())


def test_payout_transfers_move_payable_to_paid_and_balance() -> None:
    batch = build_payout(LINES, vendor_id="acme", currency="USD", up_to=UP_TO)
    transfers = payout_transfers(batch, "po-1")
    assert [(t.kind, t.debit_account, t.credit_account, t.amount) for t in transfers] == [
        (TransferKind.PAYOUT, rep_payable_account("rep-a"), rep_paid_account("rep-a"), D("120.00")),
        (TransferKind.PAYOUT, rep_payable_account("rep-f"), rep_paid_account("rep-f"), D("0.01")),
    ]
    assert sum(e.amount for e in entries_of(transfers)) == 0
    assert payout_transfers(batch, "po-1") == transfers  # a retry books the same ids
