"""A rep's earnings statement, folded from ledger lines, for a calendar quarter or all time."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from incentives.domain.ledger import LedgerLine
from incentives.domain.rules import RewardKind

_ZERO = Decimal("0.00")
_PERIOD = re.compile(r"(\d{4})Q([1-4])")


class MixedCurrencies(ValueError):
    """Lines in several currencies cannot be summed into one statement or batch."""


def parse_period(text: str) -> tuple[date, date]:
    """ "2026Q4" -> (2026-10-01, 2026-12-31), both days inclusive; anything else raises ValueError."""
    match = _PERIOD.fullmatch(text)
    if match is None:
        raise ValueError(f"malformed period {text!r}: expected a quarter such as '2026Q4'")
    year, quarter = int(match.group(1)), int(match.group(2))
    if year < 1:
        raise ValueError(f"malformed period {text!r}: year out of range")
    start = date(year, 3 * quarter - 2, 1)
    next_start = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, next_start - timedelta(days=1)


def period_window(start: date, end: date) -> tuple[datetime, datetime]:
    """The period as a half-open UTC interval [from, until), the form a SQL filter wants."""
    return datetime.combine(start, time(), UTC), datetime.combine(end + timedelta(days=1), time(), UTC)


@dataclass(frozen=True)
class DealEarnings:
    deal_id: str
    earned: Decimal
    clawed_back: Decimal
    net: Decimal


@dataclass(frozen=True, kw_only=True)
class EarningsStatement:
    """earned = rewards and positive adjustments; clawed_back = reversals, as a positive figure.

    net = earned - clawed_back = paid + unpaid. `unpaid` may be negative: a clawback after
    payout is owed back and nets against the next rewards. by_kind gives the net per kind,
    every kind present. `deals` is ordered by deal id.
    """

    rep_id: str
    currency: str | None
    period: tuple[date, date] | None
    earned: Decimal
    clawed_back: Decimal
    net: Decimal
    paid: Decimal
    unpaid: Decimal
    by_kind: dict[RewardKind, Decimal]
    deals: tuple[DealEarnings, ...]


def _in_period(line: LedgerLine, period: tuple[date, date] | None) -> bool:
    if period is None:
        return True
    day = line.created_at.astimezone(UTC).date()
    return period[0] <= day <= period[1]


def single_currency(lines: Iterable[LedgerLine]) -> str | None:
    """The one currency the lines are in (None for no lines); several raise MixedCurrencies."""
    currencies = {line.currency for line in lines}
    if len(currencies) > 1:
        raise MixedCurrencies(f"lines in several currencies: {sorted(currencies)}")
    return next(iter(currencies), None)


def earnings_statement(
    lines: Iterable[LedgerLine],
    *,
    rep_id: str,
    period: tuple[date, date] | None = None,
    currency: str | None = None,
) -> EarningsStatement:
    """The rep's statement over lines created in `period` (UTC days, inclusive; None: all time).

    Lines of other reps are ignored; with `currency` given, so are lines in other
    currencies, else the rep's lines must share one (MixedCurrencies).
    """
    mine = [
        line
        for line in lines
        if line.rep_id == rep_id and _in_period(line, period) and currency in (None, line.currency)
    ]
    stated_currency = currency if currency is not None else single_currency(mine)
    by_kind: dict[RewardKind, Decimal] = dict.fromkeys(RewardKind, _ZERO)
    per_deal: dict[str, list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO])
    earned = clawed_back = paid = _ZERO
    for line in mine:
        by_kind[line.kind] += line.amount
        if line.amount >= 0:
            earned += line.amount
            per_deal[line.deal_id][0] += line.amount
        else:
            clawed_back -= line.amount
            per_deal[line.deal_id][1] -= line.amount
        if line.payout_id is not None:
            paid += line.amount
    net = earned - clawed_back
    return EarningsStatement(
        rep_id=rep_id,
        currency=stated_currency,
        period=period,
        earned=earned,
        clawed_back=clawed_back,
        net=net,
        paid=paid,
        unpaid=net - paid,
        by_kind=by_kind,
        deals=tuple(
            DealEarnings(deal_id, gained, lost, gained - lost) for deal_id, (gained, lost) in sorted(per_deal.items())
        ),
    )
