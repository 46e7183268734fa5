from __future__ import annotations

from decimal import Decimal

import pytest

from incentives.domain.ledger import (
    BudgetExceeded,
    DuplicateTransfer,
    Entry,
    Ledger,
    Transfer,
    TransferKind,
    balance,
    check_transfer,
    clawback_transfer,
    entries,
    entries_of,
    funding_transfer,
    payout_transfer,
    rep_side_amount,
    reward_id,
    reward_transfer,
    transfer_for_grant,
    unbalanced_transfers,
)

D = Decimal
BUDGET = "program:prog-1:budget"
FUNDING = "program:prog-1:funding"
PAYABLE = "rep:rep-1:payable"
PAID = "rep:rep-1:paid"


def funded_ledger(budget: str = "1000.00") -> Ledger:
    ledger = Ledger()
    ledger.post(funding_transfer("fund", "prog-1", D(budget), "USD"))
    return ledger


@pytest.mark.parametrize(
    ("transfer", "debit", "credit"),
    [
        (funding_transfer("t", "prog-1", D("10.00"), "USD"), FUNDING, BUDGET),
        (reward_transfer("t", "prog-1", "rep-1", D("10.00"), "USD"), BUDGET, PAYABLE),
        (clawback_transfer("t", "prog-1", "rep-1", D("10.00"), "USD"), PAYABLE, BUDGET),
        (payout_transfer("t", "rep-1", D("10.00"), "USD"), PAYABLE, PAID),
    ],
)
def test_each_transfer_moves_money_between_the_right_accounts_and_sums_to_zero(
    transfer: Transfer, debit: str, credit: str
) -> None:
    legs = entries(transfer)
    assert legs == (Entry("t", debit, D("-10.00"), "USD"), Entry("t", credit, D("10.00"), "USD"))
    assert sum(leg.amount for leg in legs) == 0


@pytest.mark.parametrize(
    ("granted", "kind", "rep_side"),
    [("25.00", TransferKind.REWARD, "25.00"), ("-25.00", TransferKind.CLAWBACK, "-25.00")],
)
def test_a_grant_becomes_a_reward_or_a_clawback_and_reads_back_rep_side(
    granted: str, kind: TransferKind, rep_side: str
) -> None:
    transfer = transfer_for_grant("t", "prog-1", "rep-1", D(granted), "USD")
    assert transfer is not None
    assert transfer.kind is kind
    assert transfer.amount == D("25.00")  # booked positive, whichever way it goes
    assert rep_side_amount(transfer) == D(rep_side)


def test_a_grant_cut_to_zero_moves_no_money() -> None:
    assert transfer_for_grant("t", "prog-1", "rep-1", D("0.00"), "USD") is None


@pytest.mark.parametrize(
    "transfer", [payout_transfer("t", "rep-1", D("1.00"), "USD"), funding_transfer("t", "p", D("1.00"), "USD")]
)
def test_payouts_and_fundings_are_not_rep_ledger_entries(transfer: Transfer) -> None:
    with pytest.raises(ValueError, match="not a reward"):
        rep_side_amount(transfer)


@pytest.mark.parametrize("amount", ["0", "-1.00", "0.001"])
def test_transfers_move_positive_cents_only(amount: str) -> None:
    with pytest.raises(ValueError, match="positive amount in cents"):
        reward_transfer("t", "prog-1", "rep-1", D(amount), "USD")


def test_a_transfer_needs_two_accounts() -> None:
    with pytest.raises(ValueError, match="two accounts"):
        Transfer(
            id="t", debit_account=PAYABLE, credit_account=PAYABLE, amount=D(1), currency="USD", kind=TransferKind.REWARD
        )


def test_balances_follow_reward_clawback_and_payout() -> None:
    ledger = funded_ledger("1000.00")
    ledger.post(reward_transfer("r1", "prog-1", "rep-1", D("300.00"), "USD"))
    ledger.post(reward_transfer("r2", "prog-1", "rep-1", D("200.00"), "USD"))
    ledger.post(payout_transfer("p1", "rep-1", D("500.00"), "USD"))
    ledger.post(clawback_transfer("c1", "prog-1", "rep-1", D("200.00"), "USD"))
    all_entries = ledger.entries()
    assert balance(all_entries, BUDGET) == D("700.00")  # 1000 - 500 granted + 200 clawed back
    assert balance(all_entries, PAYABLE) == D("-200.00")  # clawed back after payout: owed
    assert balance(all_entries, PAID) == D("500.00")
    assert balance(all_entries, FUNDING) == D("-1000.00")
    assert ledger.balance(BUDGET, "USD") == balance(all_entries, BUDGET)
    assert sum(e.amount for e in all_entries) == 0
    assert unbalanced_transfers(all_entries) == []


def test_an_unbalanced_transaction_is_found() -> None:
    good = entries_of([reward_transfer("r1", "prog-1", "rep-1", D("3.00"), "USD")])
    bad = [Entry("x", BUDGET, D("-3.00"), "USD"), Entry("x", PAYABLE, D("2.99"), "USD")]
    cross_currency = [Entry("y", BUDGET, D("-3.00"), "USD"), Entry("y", PAYABLE, D("3.00"), "EUR")]
    assert unbalanced_transfers(good + bad + cross_currency) == ["x", "y"]


def test_balance_asks_for_the_currency_when_an_account_holds_several() -> None:
    all_entries = entries_of(
        [payout_transfer("a", "rep-1", D("1.00"), "USD"), payout_transfer("b", "rep-1", D("2.00"), "EUR")]
    )
    assert balance(all_entries, PAID, "EUR") == D("2.00")
    assert balance(all_entries, "rep:nobody:paid") == 0
    with pytest.raises(ValueError, match="currency"):
        balance(all_entries, PAID)


@pytest.mark.parametrize(
    ("budget", "reward", "refused"),
    [("100.00", "100.00", False), ("100.00", "100.01", True), ("0.00", "0.01", True)],
)
def test_the_budget_may_be_spent_to_zero_and_no_further(budget: str, reward: str, refused: bool) -> None:
    transfer = reward_transfer("r", "prog-1", "rep-1", D(reward), "USD")
    if refused:
        with pytest.raises(BudgetExceeded) as caught:
            check_transfer(transfer, {BUDGET: D(budget)})
        assert (caught.value.account, caught.value.balance, caught.value.amount) == (BUDGET, D(budget), D(reward))
    else:
        check_transfer(transfer, {BUDGET: D(budget)})


def test_the_ledger_refuses_to_overdraw_a_budget_and_books_nothing() -> None:
    ledger = funded_ledger("100.00")
    ledger.post(reward_transfer("r1", "prog-1", "rep-1", D("60.00"), "USD"))
    with pytest.raises(BudgetExceeded):
        ledger.post(reward_transfer("r2", "prog-1", "rep-2", D("40.01"), "USD"))
    assert ledger.balance(BUDGET, "USD") == D("40.00")
    assert [t.id for t in ledger.transfers] == ["fund", "r1"]


def test_a_payable_may_go_negative_a_clawback_after_payout() -> None:
    ledger = funded_ledger()
    ledger.post(clawback_transfer("c", "prog-1", "rep-1", D("10.00"), "USD"))
    assert ledger.balance(PAYABLE, "USD") == D("-10.00")


def test_reposting_a_transfer_changes_nothing_and_a_conflicting_one_is_refused() -> None:
    ledger = funded_ledger()
    reward = reward_transfer(reward_id("deal-1", "registration"), "prog-1", "rep-1", D("10.00"), "USD")
    assert ledger.post(reward) is True
    assert ledger.post(reward) is False
    assert ledger.balance(PAYABLE, "USD") == D("10.00")
    with pytest.raises(DuplicateTransfer):
        ledger.post(reward_transfer(reward.id, "prog-1", "rep-1", D("11.00"), "USD"))


def test_reward_ids_are_stable_per_deal_and_rule() -> None:
    assert reward_id("deal-1", "stage:qualified") == reward_id("deal-1", "stage:qualified")
    assert (
        len({reward_id("deal-1", "registration"), reward_id("deal-2", "registration"), reward_id("deal-1", "close")})
        == 3
    )
