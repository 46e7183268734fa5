"""Scorecards on PostgreSQL: service.scorecards' ScorecardStore, in a request's or a consumer
batch's session, or in the rebuild's connection. Each write is one set-based statement."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from pipeline.adapters.rows import snapshot_of
from pipeline.adapters.scorecard_tables import (
    REWARD_ENTRIES,
    REWARD_TOTALS,
    SCORECARD_DEALS,
    SCORECARD_PERIODS,
    SCORECARD_WEIGHTS,
)
from pipeline.adapters.store import INSERT_CHUNK, _lock_many, _unnest_upsert
from pipeline.adapters.tables import DealRow, PartnerEnrolmentRow
from pipeline.domain.read_model import DealSnapshot, DealStatus, Outcome
from pipeline.domain.scorecards import CohortTotals, DealFact
from pipeline.service.scorecard_ports import PeriodKey, RewardEntry, WeightsRecord
from servicekit.db import lock_name

Executor = AsyncSession | AsyncConnection

# Advisory-lock namespace of a (vendor, partner, period) scorecard's totals (store.py has 5301-5302).
SCORECARD_LOCK = 5303

_FACT_COLUMNS = [c.name for c in SCORECARD_DEALS.columns]
_FACT_TYPES = [
    "text", "text", "text", "text", "text", "text", "text", "text", "numeric",
    "timestamptz", "integer", "timestamptz", "boolean", "boolean",
]  # fmt: skip


_UPSERT_FACTS = _unnest_upsert(SCORECARD_DEALS.name, _FACT_COLUMNS, _FACT_TYPES, "deal_id")
# The totals go as JSON text (one array per column), cast to jsonb per row.
_UPSERT_PERIODS = text(
    f"INSERT INTO {SCORECARD_PERIODS.name} AS t (vendor_id, period, partner_id, totals, active, producing)"  # noqa: S608
    " SELECT v, per, p, CAST(j AS jsonb), a, pr FROM unnest(CAST(:vendor_id AS text[]), CAST(:period AS text[]),"
    " CAST(:partner_id AS text[]), CAST(:totals AS text[]), CAST(:active AS boolean[]),"
    " CAST(:producing AS boolean[])) AS u (v, per, p, j, a, pr)"
    " ON CONFLICT (vendor_id, period, partner_id) DO UPDATE SET totals = EXCLUDED.totals,"
    " active = EXCLUDED.active, producing = EXCLUDED.producing"
)
_KEYS = "unnest(CAST(:v AS text[]), CAST(:p AS text[]), CAST(:per AS text[])) AS k (v, p, per)"
_TOTALS_OF_KEYS = text(
    f"SELECT t.vendor_id, t.partner_id, t.period, t.totals FROM {SCORECARD_PERIODS.name} AS t JOIN {_KEYS}"  # noqa: S608
    " ON t.vendor_id = k.v AND t.partner_id = k.p AND t.period = k.per"
)
# Each key's middle one or two decided cohort deals by time to decision: counted, then reached
# by OFFSET, both over the key's deals only (scorecard_deals_registered), and only the times
# come back: the median is computed from them in Python, the same Decimal rule as from scratch.
_DECIDED = (
    f" FROM {SCORECARD_DEALS.name} AS f WHERE f.vendor_id = k.v AND f.partner_id = k.p"
    " AND f.registered_period = k.per AND f.decided_at IS NOT NULL"
)
_MIDDLE_DECISIONS = text(
    f"SELECT k.v, k.p, k.per, m.elapsed FROM {_KEYS}"  # noqa: S608
    f" CROSS JOIN LATERAL (SELECT count(*) AS n {_DECIDED}) AS c"
    f" CROSS JOIN LATERAL (SELECT f.decided_at - f.created_at AS elapsed {_DECIDED}"
    " ORDER BY elapsed OFFSET (c.n - 1) / 2 LIMIT 2 - c.n % 2) AS m"
)
_REWARD_COLUMNS = ("entry_id", "vendor_id", "partner_id", "period", "currency", "amount")
# New entries only; RETURNING names them, so only those are added to the totals.
_INSERT_REWARDS = text(
    f"INSERT INTO {REWARD_ENTRIES.name} ({', '.join(_REWARD_COLUMNS)}) SELECT * FROM unnest("  # noqa: S608
    "CAST(:entry_id AS text[]), CAST(:vendor_id AS text[]), CAST(:partner_id AS text[]),"
    " CAST(:period AS text[]), CAST(:currency AS text[]), CAST(:amount AS numeric[]))"
    " ON CONFLICT (entry_id) DO NOTHING RETURNING vendor_id, period, partner_id, currency, amount"
)
_ADD_REWARD_TOTALS = text(
    f"INSERT INTO {REWARD_TOTALS.name} AS t (vendor_id, period, partner_id, currency, net)"  # noqa: S608
    " SELECT v, per, p, c, sum(a) FROM unnest(CAST(:v AS text[]), CAST(:per AS text[]), CAST(:p AS text[]),"
    " CAST(:c AS text[]), CAST(:a AS numeric[])) AS u (v, per, p, c, a) GROUP BY v, per, p, c ORDER BY v, per, p, c"
    " ON CONFLICT (vendor_id, period, partner_id, currency) DO UPDATE SET net = t.net + EXCLUDED.net"
)


def totals_json(totals: CohortTotals) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in vars(totals).items():
        if isinstance(value, Decimal):
            out[name] = f"{value:f}"
        elif isinstance(value, dict):
            out[name] = {k: f"{v:f}" if isinstance(v, Decimal) else v for k, v in value.items()}
        else:
            out[name] = value
    return out


def totals_of_json(raw: Mapping[str, Any]) -> CohortTotals:
    median = raw.get("median_hours_to_decision")
    return CohortTotals(
        **{k: v for k, v in raw.items() if k not in {"median_hours_to_decision", "won_amount_by_currency"}},
        median_hours_to_decision=None if median is None else Decimal(median),
        won_amount_by_currency={c: Decimal(a) for c, a in raw.get("won_amount_by_currency", {}).items()},
    )


def _key_params(keys: Sequence[PeriodKey]) -> dict[str, list[str]]:
    return {"v": [k[0] for k in keys], "p": [k[1] for k in keys], "per": [k[2] for k in keys]}


def _fact_of_row(row: Any) -> DealFact:
    return DealFact(
        deal_id=row.deal_id,
        vendor_id=row.vendor_id,
        partner_id=row.partner_id,
        registered_period=row.registered_period,
        closed_period=row.closed_period,
        currency=row.currency,
        status=DealStatus(row.status),
        outcome=None if row.outcome is None else Outcome(row.outcome),
        final_amount=row.final_amount,
        created_at=row.created_at,
        closed_on_days=row.closed_on_days,
        decided_at=row.decided_at,
        overdue=row.overdue,
        conflict=row.conflict,
    )


def _fact_values(fact: DealFact) -> dict[str, Any]:
    values = dict(vars(fact))
    values["status"] = fact.status.value
    values["outcome"] = None if fact.outcome is None else fact.outcome.value
    return values


async def _save_facts(executor: Executor, facts: Sequence[DealFact]) -> None:
    for start in range(0, len(facts), INSERT_CHUNK):
        chunk = [_fact_values(f) for f in facts[start : start + INSERT_CHUNK]]
        await executor.execute(_UPSERT_FACTS, {c: [v[c] for v in chunk] for c in _FACT_COLUMNS})


_DELETE_PERIODS = text(
    f"DELETE FROM {SCORECARD_PERIODS.name} AS t USING unnest(CAST(:v AS text[]), CAST(:per AS text[]),"  # noqa: S608
    " CAST(:p AS text[])) AS k (v, per, p) WHERE t.vendor_id = k.v AND t.period = k.per AND t.partner_id = k.p"
)
_EMPTY = CohortTotals()


async def _save_periods(executor: Executor, totals: Mapping[PeriodKey, CohortTotals]) -> None:
    """Upsert each key's totals; a key left with nothing to count loses its row (the rebuild
    never writes one for it either)."""
    empty = sorted(k for k, t in totals.items() if t == _EMPTY)
    if empty:
        await executor.execute(
            _DELETE_PERIODS,
            {"v": [k[0] for k in empty], "p": [k[1] for k in empty], "per": [k[2] for k in empty]},
        )
    keys = sorted(k for k, t in totals.items() if t != _EMPTY)
    for start in range(0, len(keys), INSERT_CHUNK):
        chunk = keys[start : start + INSERT_CHUNK]
        await executor.execute(
            _UPSERT_PERIODS,
            {
                "vendor_id": [k[0] for k in chunk],
                "partner_id": [k[1] for k in chunk],
                "period": [k[2] for k in chunk],
                "totals": [json.dumps(totals_json(totals[k])) for k in chunk],
                "active": [totals[k].active for k in chunk],
                "producing": [totals[k].producing for k in chunk],
            },
        )


async def _add_rewards(executor: Executor, entries: Sequence[RewardEntry]) -> int:
    added = 0
    for start in range(0, len(entries), INSERT_CHUNK):
        chunk = entries[start : start + INSERT_CHUNK]
        params = {c: [getattr(e, c) for e in chunk] for c in _REWARD_COLUMNS}
        new = (await executor.execute(_INSERT_REWARDS, params)).all()
        if new:
            await executor.execute(
                _ADD_REWARD_TOTALS,
                {
                    "v": [r.vendor_id for r in new],
                    "per": [r.period for r in new],
                    "p": [r.partner_id for r in new],
                    "c": [r.currency for r in new],
                    "a": [r.amount for r in new],
                },
            )
        added += len(new)
    return added


class PgScorecardStore:
    """service.scorecard_ports.ScorecardStore on a session (requests, consumer batches) or a
    connection (the rebuild)."""

    def __init__(self, executor: Executor) -> None:
        self._db = executor

    def transaction(self) -> AbstractAsyncContextManager[object]:
        return self._db.begin()

    # --- the consumers' ---

    async def snapshots(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        deals = DealRow.__table__  # type: ignore[attr-defined]
        query = select(deals).where(deals.c.deal_id.in_(sorted(deal_ids)))
        return {row.deal_id: snapshot_of(row) for row in (await self._db.execute(query)).all()}

    async def facts(self, deal_ids: Sequence[str]) -> dict[str, DealFact]:
        query = select(SCORECARD_DEALS).where(SCORECARD_DEALS.c.deal_id.in_(sorted(deal_ids)))
        return {row.deal_id: _fact_of_row(row) for row in (await self._db.execute(query)).all()}

    async def save_facts(self, facts: Sequence[DealFact]) -> None:
        await _save_facts(self._db, facts)

    async def lock_periods(self, keys: Iterable[PeriodKey]) -> None:
        await _lock_many(self._db, SCORECARD_LOCK, ("|".join(k) for k in keys))

    async def totals_of_keys(self, keys: Sequence[PeriodKey]) -> dict[PeriodKey, CohortTotals]:
        rows = (await self._db.execute(_TOTALS_OF_KEYS, _key_params(keys))).all()
        return {(row.vendor_id, row.partner_id, row.period): totals_of_json(row.totals) for row in rows}

    async def middle_decisions(self, keys: Sequence[PeriodKey]) -> dict[PeriodKey, list[timedelta]]:
        out: dict[PeriodKey, list[timedelta]] = {}
        for row in (await self._db.execute(_MIDDLE_DECISIONS, _key_params(keys))).all():
            out.setdefault((row.v, row.p, row.per), []).append(row.elapsed)
        return {key: sorted(elapsed) for key, elapsed in out.items()}

    async def save_periods(self, totals: Mapping[PeriodKey, CohortTotals]) -> None:
        await _save_periods(self._db, totals)

    async def add_rewards(self, entries: Sequence[RewardEntry]) -> int:
        return await _add_rewards(self._db, entries)

    # --- the queries' ---

    async def period_totals(self, vendor_id: str, periods: Sequence[str]) -> dict[str, dict[str, CohortTotals]]:
        query = select(SCORECARD_PERIODS).where(
            SCORECARD_PERIODS.c.vendor_id == vendor_id, SCORECARD_PERIODS.c.period.in_(list(periods))
        )
        out: dict[str, dict[str, CohortTotals]] = {p: {} for p in periods}
        for row in (await self._db.execute(query)).all():
            out[row.period][row.partner_id] = totals_of_json(row.totals)
        return out

    async def activity_flags(self, vendor_id: str, periods: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        """Per period: the partners active in it, and those producing."""
        query = select(
            SCORECARD_PERIODS.c.period,
            SCORECARD_PERIODS.c.partner_id,
            SCORECARD_PERIODS.c.active,
            SCORECARD_PERIODS.c.producing,
        ).where(SCORECARD_PERIODS.c.vendor_id == vendor_id, SCORECARD_PERIODS.c.period.in_(list(periods)))
        out: dict[str, tuple[set[str], set[str]]] = {p: (set(), set()) for p in periods}
        for row in (await self._db.execute(query)).all():
            if row.active:
                out[row.period][0].add(row.partner_id)
            if row.producing:
                out[row.period][1].add(row.partner_id)
        return out

    async def reward_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, Decimal]]:
        query = select(REWARD_TOTALS).where(REWARD_TOTALS.c.vendor_id == vendor_id, REWARD_TOTALS.c.period == period)
        out: dict[str, dict[str, Decimal]] = {}
        for row in (await self._db.execute(query)).all():
            out.setdefault(row.partner_id, {})[row.currency] = row.net
        return out

    async def enrolled(self, vendor_id: str) -> set[str]:
        table = PartnerEnrolmentRow.__table__  # type: ignore[attr-defined]
        query = select(table.c.partner_id).where(table.c.vendor_id == vendor_id)
        return set((await self._db.execute(query)).scalars().all())

    async def weights(self, vendor_id: str, *, for_update: bool = False) -> WeightsRecord | None:
        query = select(SCORECARD_WEIGHTS).where(SCORECARD_WEIGHTS.c.vendor_id == vendor_id)
        if for_update:
            await lock_name(self._db, f"scorecard-weights:{vendor_id}")
            query = query.with_for_update()
        row = (await self._db.execute(query)).first()
        if row is None:
            return None
        weights = {m: Decimal(w) for m, w in row.weights.items()}
        return WeightsRecord(vendor_id, weights, row.version, row.updated_at)

    async def save_weights(self, record: WeightsRecord) -> None:
        values = {
            "vendor_id": record.vendor_id,
            "weights": {m: f"{w:f}" for m, w in record.weights.items()},
            "version": record.version,
            "updated_at": record.updated_at,
        }
        statement = insert(SCORECARD_WEIGHTS).values(**values)
        await self._db.execute(
            statement.on_conflict_do_update(
                index_elements=["vendor_id"],
                set_={c: statement.excluded[c] for c in ("weights", "version", "updated_at")},
            )
        )

    # --- the rebuild's ---

    async def lock_for_rebuild(self) -> None:
        await self._db.execute(
            text(
                f"LOCK TABLE {SCORECARD_DEALS.name}, {SCORECARD_PERIODS.name}, {REWARD_ENTRIES.name},"
                f" {REWARD_TOTALS.name} IN SHARE ROW EXCLUSIVE MODE"
            )
        )

    async def replace_all(
        self, facts: Sequence[DealFact], totals: Mapping[PeriodKey, CohortTotals], rewards: Sequence[RewardEntry]
    ) -> None:
        for table in (SCORECARD_DEALS, SCORECARD_PERIODS, REWARD_ENTRIES, REWARD_TOTALS):
            await self._db.execute(text(f"DELETE FROM {table.name}"))  # noqa: S608
        await _save_facts(self._db, facts)
        await _save_periods(self._db, totals)
        await _add_rewards(self._db, rewards)
