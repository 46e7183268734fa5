"""Use cases reading the rep-facing ledger: its pages, a deal's rewards, a rep's statement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from incentives.domain.rules import RewardKind
from incentives.domain.statements import EarningsStatement, earnings_statement, parse_period
from incentives.service.ports import IncentivesStore, LedgerEntry, LedgerFilter, LedgerScope
from servicekit.cursors import decode_cursor, next_cursor
from servicekit.errors import InvalidInput, NotFound
from servicekit.principal import Principal, Role


def scope_of(principal: Principal) -> LedgerScope:
    """What a caller may see: a partner its own, an aggregator its partners', a vendor its vendor's."""
    if principal.role is Role.ADMIN:
        return LedgerScope(everything=True)
    if principal.role is Role.VENDOR and principal.vendor_id:
        return LedgerScope(vendor_id=principal.vendor_id)
    if principal.role is Role.PARTNER and principal.partner_id:
        return LedgerScope(partner_ids=(principal.partner_id,))
    if principal.role is Role.AGGREGATOR and principal.partner_ids:
        return LedgerScope(partner_ids=tuple(sorted(principal.partner_ids)))
    return LedgerScope()


def _bad_cursor() -> InvalidInput:
    return InvalidInput([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])


async def ledger_page(
    store: IncentivesStore, principal: Principal, where: LedgerFilter, *, limit: int, cursor: str | None
) -> tuple[list[LedgerEntry], str | None]:
    """The entries the caller may see, in booking order, a page at a time."""
    key = decode_cursor(cursor, ("seq",))
    # A well-formed cursor of ours carries an integer; anything else is the caller's (422), never a 500.
    if key is not None and (type(key["seq"]) is not int or not 0 <= key["seq"] < 2**63):
        raise _bad_cursor()
    rows = await store.ledger_page(scope_of(principal), where, key["seq"] if key else None, limit + 1)
    return next_cursor(rows, limit, lambda r: {"seq": r.seq})


@dataclass(frozen=True)
class DealRewards:
    deal_id: str
    entries: list[LedgerEntry]

    @property
    def currency(self) -> str | None:
        return self.entries[0].currency if self.entries else None

    @property
    def net(self) -> Decimal:
        return sum((e.amount for e in self.entries), Decimal("0.00"))


async def deal_rewards(store: IncentivesStore, principal: Principal, deal_id: str) -> DealRewards:
    """A deal's entries; a deal the caller may not see is a 404 (one with none is empty)."""
    rows = await store.deal_entries(deal_id)
    if rows and not principal.sees(vendor_id=rows[0].vendor_id, partner_id=rows[0].partner_id):
        raise NotFound("deal")
    return DealRewards(deal_id, rows)


@dataclass(frozen=True)
class CurrencyStatement:
    statement: EarningsStatement
    kinds: frozenset[RewardKind]  # the kinds present in this currency's lines


async def rep_statements(
    store: IncentivesStore, principal: Principal, rep_id: str, *, period: str | None, currency: str | None
) -> dict[str, CurrencyStatement]:
    """The rep's statement per currency (currencies are never added); only `currency` when given.

    A rep the caller cannot see and a rep that does not exist get the same 404.
    """
    window: tuple[date, date] | None = None
    if period is not None:
        try:
            window = parse_period(period)
        except ValueError as exc:
            raise invalid_period(str(exc)) from exc
    lines = await store.rep_lines(rep_id, scope_of(principal))
    if not lines:
        raise NotFound("rep")
    currencies = [currency] if currency is not None else sorted({line.currency for line in lines})
    return {
        c: CurrencyStatement(
            earnings_statement(lines, rep_id=rep_id, period=window, currency=c),
            frozenset(line.kind for line in lines if line.currency == c),
        )
        for c in currencies
    }


def invalid_period(msg: str) -> InvalidInput:
    return InvalidInput([{"loc": ["query", "period"], "msg": msg, "type": "value_error"}])
