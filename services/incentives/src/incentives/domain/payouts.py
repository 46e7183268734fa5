"""Payout batches: every unpaid net reward of a vendor up to a time, one line per rep."""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from incentives.domain.ledger import LedgerLine, Transfer, payout_transfer
from servicekit.money import format_money

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class PayoutLine:
    rep_id: str
    partner_id: str
    amount: Decimal
    entry_count: int


@dataclass(frozen=True, kw_only=True)
class PayoutBatch:
    """The lines to pay and `entry_ids`, the ledger lines the batch settles (mark them paid)."""

    vendor_id: str
    currency: str
    up_to: datetime
    lines: tuple[PayoutLine, ...]
    total: Decimal
    entry_ids: tuple[str, ...]


def build_payout(ledger_lines: Iterable[LedgerLine], *, vendor_id: str, currency: str, up_to: datetime) -> PayoutBatch:
    """Net the vendor's unpaid lines in `currency` created at or before `up_to`, per rep.

    A rep whose unpaid lines net to zero gets no line; one netting below zero (a clawback
    after payout) gets none either: money is not collected by a payout, so those lines stay
    unpaid and net against the rep's next rewards. `entry_ids` holds only the lines of
    paid reps; once marked paid they are never picked again, so no line is in two batches.
    Lines are ordered by rep, then partner.
    """
    groups: dict[tuple[str, str], list[LedgerLine]] = defaultdict(list)
    for line in ledger_lines:
        if (
            line.payout_id is None
            and line.vendor_id == vendor_id
            and line.currency == currency
            and line.created_at <= up_to
        ):
            groups[line.rep_id, line.partner_id].append(line)
    payout_lines: list[PayoutLine] = []
    settled: list[str] = []
    for (rep_id, partner_id), rep_lines in sorted(groups.items()):
        amount = sum((line.amount for line in rep_lines), _ZERO)
        if amount > 0:
            payout_lines.append(PayoutLine(rep_id, partner_id, amount, len(rep_lines)))
            settled += [line.id for line in rep_lines]
    return PayoutBatch(
        vendor_id=vendor_id,
        currency=currency,
        up_to=up_to,
        lines=tuple(payout_lines),
        total=sum((line.amount for line in payout_lines), _ZERO),
        entry_ids=tuple(settled),
    )


def payout_transfers(batch: PayoutBatch, payout_id: str) -> list[Transfer]:
    """One payable -> paid transfer per line; ids derive from the payout, so a retry repeats them."""
    return [
        payout_transfer(f"{payout_id}:{line.rep_id}:{line.partner_id}", line.rep_id, line.amount, batch.currency)
        for line in batch.lines
    ]


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def csv_cell(value: object) -> str:
    """A cell a spreadsheet will not run: text starting like a formula gets a leading "'" (OWASP).

    Numbers ("-12.50") are left as they are, so amounts stay numbers.
    """
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass(frozen=True, kw_only=True)
class Payout:
    """A booked payout: one vendor, one currency, one line per (rep, partner)."""

    id: str
    vendor_id: str
    up_to: datetime
    currency: str
    total: Decimal
    created_at: datetime
    lines: tuple[PayoutLine, ...] = ()


CSV_HEADER = ("payout_id", "rep_id", "partner_id", "amount", "currency", "entry_count")


def payout_csv(payout: Payout) -> str:
    """The payout's lines as CSV (CRLF lines), every cell neutralised against formula injection."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in payout.lines:
        cells = [payout.id, line.rep_id, line.partner_id, format_money(line.amount), payout.currency, line.entry_count]
        writer.writerow([csv_cell(cell) for cell in cells])
    return out.getvalue()
