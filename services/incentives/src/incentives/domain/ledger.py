"""The double-entry ledger, after TigerBeetle and Modern Treasury.

Money only moves between accounts: a Transfer debits one account and credits another by
the same positive amount, so the two entries it books sum to zero and money is never
made or lost. Balances are derived from entries (credit-normal: credits minus debits):

- `program:<id>:funding`  the vendor's commitment; funding a program debits it (goes negative)
- `program:<id>:budget`   what the program may still grant; may never go negative
- `rep:<id>:payable`      earned and not yet paid out; a clawback after payout can take it below zero
- `rep:<id>:paid`         paid out to the rep

A reward moves budget -> payable, a clawback payable -> budget (the money is the
program's again), a payout payable -> paid. The budget account refusing to go negative
(TigerBeetle's `debits_must_not_exceed_credits`) is what holds the budget.
Entries are appended, never edited: a correction is a new transfer.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from events.vocabulary import DealStage
from incentives.domain.rules import RewardKind
from servicekit.money import to_cents

_ZERO = Decimal("0.00")
# Fixed namespace so a reward's id is the same on every replay of its event.
_REWARD_NAMESPACE = uuid.UUID("6f1d4c1e-5b7a-4e55-9a0e-3c2f1b8d7a10")


def program_funding_account(program_id: str) -> str:
    return f"program:{program_id}:funding"


def program_budget_account(program_id: str) -> str:
    return f"program:{program_id}:budget"


def rep_payable_account(rep_id: str) -> str:
    return f"rep:{rep_id}:payable"


def rep_paid_account(rep_id: str) -> str:
    return f"rep:{rep_id}:paid"


def may_overdraw(account: str) -> bool:
    """Only budget accounts are held non-negative; the others may show a debt."""
    return not account.endswith(":budget")


def reward_id(deal_id: str, rule_key: str) -> str:
    """A deterministic id for a deal's rule: redelivering its event yields the same id."""
    return str(uuid.uuid5(_REWARD_NAMESPACE, f"{deal_id}/{rule_key}"))


class TransferKind(StrEnum):
    FUNDING = "funding"
    REWARD = "reward"
    CLAWBACK = "clawback"
    PAYOUT = "payout"


class BudgetExceeded(Exception):
    """A transfer would take a non-overdrawable account (a program budget) below zero."""

    def __init__(self, account: str, balance: Decimal, amount: Decimal) -> None:
        super().__init__(f"{account} holds {balance}, cannot debit {amount}")
        self.account = account
        self.balance = balance
        self.amount = amount


class DuplicateTransfer(Exception):
    """A transfer id already posted with different contents (an identical repost is a no-op)."""


@dataclass(frozen=True, kw_only=True)
class Transfer:
    """Moves a positive amount, in cents, from `debit_account` to `credit_account`."""

    id: str
    debit_account: str
    credit_account: str
    amount: Decimal
    currency: str
    kind: TransferKind

    def __post_init__(self) -> None:
        if self.amount <= 0 or self.amount != to_cents(self.amount):
            raise ValueError(f"a transfer moves a positive amount in cents, got {self.amount}")
        if self.debit_account == self.credit_account:
            raise ValueError(f"a transfer needs two accounts, got {self.debit_account} twice")


@dataclass(frozen=True)
class Entry:
    """One leg of a transfer: positive credits the account, negative debits it."""

    transfer_id: str
    account: str
    amount: Decimal
    currency: str


def entries(transfer: Transfer) -> tuple[Entry, Entry]:
    """The two legs of a transfer; they sum to zero."""
    return (
        Entry(transfer.id, transfer.debit_account, -transfer.amount, transfer.currency),
        Entry(transfer.id, transfer.credit_account, transfer.amount, transfer.currency),
    )


def entries_of(transfers: Iterable[Transfer]) -> list[Entry]:
    return [entry for transfer in transfers for entry in entries(transfer)]


def unbalanced_transfers(all_entries: Iterable[Entry]) -> list[str]:
    """Ids of transfers whose entries do not sum to zero per currency (empty when sound)."""
    sums: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)
    for entry in all_entries:
        sums[entry.transfer_id, entry.currency] += entry.amount
    return sorted({transfer_id for (transfer_id, _), total in sums.items() if total != 0})


def balance(all_entries: Iterable[Entry], account: str, currency: str | None = None) -> Decimal:
    """Credits minus debits on `account`; `currency` is required when the account holds several."""
    totals: dict[str, Decimal] = defaultdict(lambda: _ZERO)
    for entry in all_entries:
        if entry.account == account:
            totals[entry.currency] += entry.amount
    if currency is not None:
        return totals.get(currency, _ZERO)
    if len(totals) > 1:
        raise ValueError(f"{account} holds {sorted(totals)}: name the currency")
    return next(iter(totals.values()), _ZERO)


def check_transfer(transfer: Transfer, balances: Mapping[str, Decimal]) -> None:
    """Refuse a transfer that would overdraw a budget, given the accounts' current balances.

    Raises BudgetExceeded. An account missing from `balances` has balance zero.
    """
    account = transfer.debit_account
    if may_overdraw(account):
        return
    current = balances.get(account, _ZERO)
    if current - transfer.amount < 0:
        raise BudgetExceeded(account, current, transfer.amount)


def _transfer(
    kind: TransferKind, transfer_id: str, debit: str, credit: str, amount: Decimal, currency: str
) -> Transfer:
    """Moves `amount` from the account `debit` to the account `credit`."""
    return Transfer(
        id=transfer_id, debit_account=debit, credit_account=credit, amount=amount, currency=currency, kind=kind
    )


def funding_transfer(transfer_id: str, program_id: str, budget: Decimal, currency: str) -> Transfer:
    """Fills a program's budget from its vendor's commitment (booked when the program is created)."""
    funding, budget_account = program_funding_account(program_id), program_budget_account(program_id)
    return _transfer(TransferKind.FUNDING, transfer_id, funding, budget_account, budget, currency)


def reward_transfer(transfer_id: str, program_id: str, rep_id: str, amount: Decimal, currency: str) -> Transfer:
    budget, payable = program_budget_account(program_id), rep_payable_account(rep_id)
    return _transfer(TransferKind.REWARD, transfer_id, budget, payable, amount, currency)


def clawback_transfer(transfer_id: str, program_id: str, rep_id: str, amount: Decimal, currency: str) -> Transfer:
    """Reverses `amount` (positive) of the rep's rewards back into the program's budget."""
    payable, budget = rep_payable_account(rep_id), program_budget_account(program_id)
    return _transfer(TransferKind.CLAWBACK, transfer_id, payable, budget, amount, currency)


def payout_transfer(transfer_id: str, rep_id: str, amount: Decimal, currency: str) -> Transfer:
    payable, paid = rep_payable_account(rep_id), rep_paid_account(rep_id)
    return _transfer(TransferKind.PAYOUT, transfer_id, payable, paid, amount, currency)


def transfer_for_grant(
    transfer_id: str, program_id: str, rep_id: str, granted: Decimal, currency: str
) -> Transfer | None:
    """The transfer booking a granted amount as the rep sees it (negative: a clawback).

    None for zero: a reward cut to nothing moves no money (its cut is recorded elsewhere).
    """
    if granted > 0:
        return reward_transfer(transfer_id, program_id, rep_id, granted, currency)
    if granted < 0:
        return clawback_transfer(transfer_id, program_id, rep_id, -granted, currency)
    return None


def rep_side_amount(transfer: Transfer) -> Decimal:
    """The transfer as the rep's ledger shows it: positive for a reward, negative for a clawback.

    Payouts and fundings are not rewards or reversals and are refused.
    """
    if transfer.kind is TransferKind.REWARD:
        return transfer.amount
    if transfer.kind is TransferKind.CLAWBACK:
        return -transfer.amount
    raise ValueError(f"a {transfer.kind} transfer is not a reward or a reversal")


class Ledger:
    """An in-memory, append-only ledger with the same rules the database enforces.

    post() is idempotent on the transfer id, as TigerBeetle's `exists`: posting the same
    transfer again changes nothing; the same id with other contents is refused.
    """

    def __init__(self) -> None:
        self._transfers: dict[str, Transfer] = {}
        self._balances: dict[tuple[str, str], Decimal] = defaultdict(lambda: _ZERO)

    def post(self, transfer: Transfer) -> bool:
        """Append the transfer; False when it was already posted. Raises BudgetExceeded."""
        existing = self._transfers.get(transfer.id)
        if existing is not None:
            if existing != transfer:
                raise DuplicateTransfer(f"transfer {transfer.id} already posted with other contents")
            return False
        check_transfer(transfer, {transfer.debit_account: self.balance(transfer.debit_account, transfer.currency)})
        self._transfers[transfer.id] = transfer
        for entry in entries(transfer):
            self._balances[entry.account, entry.currency] += entry.amount
        return True

    def balance(self, account: str, currency: str) -> Decimal:
        return self._balances.get((account, currency), _ZERO)

    @property
    def transfers(self) -> tuple[Transfer, ...]:
        return tuple(self._transfers.values())

    def entries(self) -> list[Entry]:
        return entries_of(self._transfers.values())


@dataclass(frozen=True, kw_only=True)
class RewardKeys:
    """Which reward: its id, the deal, rep, partner and vendor it is for, the program that gave it."""

    id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str


@dataclass(frozen=True, kw_only=True)
class LedgerLine(RewardKeys):
    """A reward or reversal as the contract's ledger shows it, plus what statements and payouts need.

    `amount` is rep-side (rep_side_amount). `payout_id` is set once a payout batch took it.
    """

    kind: RewardKind
    stage: DealStage | None
    amount: Decimal
    currency: str
    event_id: str
    rule_key: str
    created_at: datetime
    payout_id: str | None = None
