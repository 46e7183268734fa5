"""pipeline's stores on PostgreSQL: every SQL statement of the service.

PgPipelineStore works in the SQLAlchemy session the request or the consumer batch already has
(so an Idempotency-Key's claim, or the batch's processed_events rows, commit with its writes);
PgReadModelStore in the rebuild's connection. The set-based statements (one array per column,
unnest) are the measured consumer path: one statement per step, whatever the batch size.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.dialects.postgresql.base import PGDialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from events.batching import enqueue_many
from events.outbox import enqueue
from pipeline.adapters.rows import (
    plan_of,
    policy_of,
    snapshot_of,
    snapshot_values,
    totals_of_row,
    totals_values,
)
from pipeline.adapters.tables import (
    FIGURE_TOTALS,
    MONEY_SUM_COLUMNS,
    SUM_COLUMNS,
    DealRow,
    PartnerAttributesRow,
    PartnerEnrolmentRow,
    PlanRow,
    PolicyRow,
)
from pipeline.domain.deltas import TotalsKey
from pipeline.domain.enrolments import Enrolment, newest_enrolments
from pipeline.domain.figures import PlanAmount
from pipeline.domain.keys import FiguresKey, figures_lock_name
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, PartnerAttributes
from pipeline.domain.records import Plan, PolicyVersion
from pipeline.domain.rollups import newest_attributes
from pipeline.domain.totals import PeriodTotals
from pipeline.service.ports import DatedTerms, FiguresInputs, Message, TracedMessage
from servicekit.db import lock_name

Executor = AsyncSession | AsyncConnection

# Namespaces of the two-key advisory locks this service takes (distinct from the relay's one-key lock).
DEAL_LOCK = 5301
FIGURES_LOCK = 5302
INSERT_CHUNK = 2000

# The locks of many names in one round trip, taken in the order of their lock keys (not of
# the names: two names may hash alike), so that any two transactions take them in one order.
_LOCK_MANY = text(
    "SELECT pg_advisory_xact_lock(:ns, h) FROM"
    " (SELECT DISTINCT hashtext(n) AS h FROM unnest(CAST(:names AS text[])) AS u(n) ORDER BY h) AS k"
)


def _unnest_upsert(table: str, columns: Sequence[str], types: Sequence[str], conflict: str, tail: str = "") -> Any:
    """INSERT ... SELECT * FROM unnest(one array per column) ON CONFLICT (conflict) DO UPDATE SET
    every non-key column + `tail`: any number of rows in one fixed statement (prepared once)."""
    keys = {c.strip() for c in conflict.split(",")}
    return text(  # built from the tables' own column names and types only
        f"INSERT INTO {table} AS t ({', '.join(columns)}) SELECT * FROM unnest("  # noqa: S608
        + ", ".join(f"CAST(:{c} AS {t}[])" for c, t in zip(columns, types, strict=True))
        + f") ON CONFLICT ({conflict}) DO UPDATE SET "
        + ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in keys)
        + tail
    )


_DEALS = DealRow.__table__  # type: ignore[attr-defined]
_DEAL_COLUMNS: list[str] = [c.name for c in _DEALS.columns]
_PG = PGDialect()  # type: ignore[no-untyped-call]
_UPSERT_DEALS = _unnest_upsert(
    _DEALS.name, _DEAL_COLUMNS, [c.type.compile(dialect=_PG) for c in _DEALS.columns], "deal_id"
)

_TOTALS_KEY = ("partner_id", "vendor_id", "period", "currency")
# Any number of keys in one statement (one array per column), added to what is stored.
_ADD_TOTALS = text(  # built from the table's own column names only
    f"INSERT INTO {FIGURE_TOTALS.name} ({', '.join((*_TOTALS_KEY, *SUM_COLUMNS))}) SELECT * FROM unnest("  # noqa: S608
    + ", ".join(f"CAST(:{c} AS text[])" for c in _TOTALS_KEY)
    + ", "
    + ", ".join(f"CAST(:{c} AS {'numeric' if c in MONEY_SUM_COLUMNS else 'bigint'}[])" for c in SUM_COLUMNS)
    + ") ON CONFLICT (partner_id, vendor_id, period, currency) DO UPDATE SET "
    + ", ".join(f"{c} = {FIGURE_TOTALS.name}.{c} + EXCLUDED.{c}" for c in SUM_COLUMNS)
)

_ATTRIBUTE_COLUMNS = ("vendor_id", "partner_id", "tier", "territory", "region", "channel_manager", "last_event_time")
# In key order (two writers never wait on each other in opposite orders); the latest event time
# wins, a tie goes to the later writer.
_KEEP_ATTRIBUTES = _unnest_upsert(
    PartnerAttributesRow.__tablename__,
    _ATTRIBUTE_COLUMNS,
    ("text", "text", "integer", "text", "text", "text", "timestamptz"),
    "vendor_id, partner_id",
    " WHERE t.last_event_time <= EXCLUDED.last_event_time",
)

_ENROLMENT_COLUMNS = (
    "partner_id", "vendor_id", "name", "tier", "territory", "region", "channel_manager", "version", "updated_at",
)  # fmt: skip
# In key order; only a higher version replaces a row.
_KEEP_ENROLMENTS = _unnest_upsert(
    PartnerEnrolmentRow.__tablename__,
    _ENROLMENT_COLUMNS,
    ("text", "text", "text", "integer", "text", "text", "text", "bigint", "timestamptz"),
    "partner_id, vendor_id",
    " WHERE t.version < EXCLUDED.version",
)


async def _lock_many(executor: Executor, namespace: int, names: Iterable[str]) -> None:
    """A transaction-scoped lock on every name, in one statement and in lock-key order."""
    distinct = sorted(set(names))
    if distinct:
        await executor.execute(_LOCK_MANY, {"ns": namespace, "names": distinct})


async def _add_totals(executor: Executor, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
    if not deltas:
        return
    keys = sorted(deltas)
    params: dict[str, list[Any]] = {c: [getattr(k, c) for k in keys] for c in _TOTALS_KEY}
    values = [totals_values(deltas[k]) for k in keys]
    params.update({c: [v[c] for v in values] for c in SUM_COLUMNS})
    await executor.execute(_ADD_TOTALS, params)


async def _keep_attributes(executor: Executor, snapshots: Iterable[DealSnapshot]) -> None:
    newest = newest_attributes(snapshots)
    if not newest:
        return
    params: dict[str, list[Any]] = {c: [] for c in _ATTRIBUTE_COLUMNS}
    for (vendor_id, partner_id), (attributes, at) in newest.items():
        params["vendor_id"].append(vendor_id)
        params["partner_id"].append(partner_id)
        params["tier"].append(attributes.tier)
        params["territory"].append(attributes.territory)
        params["region"].append(attributes.region)
        params["channel_manager"].append(attributes.channel_manager)
        params["last_event_time"].append(at)
    await executor.execute(_KEEP_ATTRIBUTES, params)


async def _keep_enrolments(executor: Executor, enrolments: Iterable[Enrolment]) -> None:
    newest = newest_enrolments(enrolments)
    if not newest:
        return
    params: dict[str, list[Any]] = {c: [getattr(newest[k], c) for k in sorted(newest)] for c in _ENROLMENT_COLUMNS}
    await executor.execute(_KEEP_ENROLMENTS, params)


# The key's totals (one row per currency, or one row of NULLs), plan and policy in one round
# trip (a figures refresh runs for every batch): O(currencies), not O(deals).
_FIGURES_INPUTS = text(  # built from the table's own column names only
    "SELECT plan.revenue_target, plan.currency AS plan_currency, totals.currency AS totals_currency,"  # noqa: S608
    " policy.vendor_id AS policy_vendor, policy.total_index,"
    " policy.risk_adjusted_index, policy.stage_probabilities, policy.at_risk_threshold, "
    + ", ".join(f"totals.{c}" for c in SUM_COLUMNS)
    + " FROM (VALUES (1)) AS one (x)"
    " LEFT JOIN partner_plans AS plan"
    " ON plan.partner_id = :partner_id AND plan.vendor_id = :vendor_id AND plan.period = :period"
    " LEFT JOIN pipeline_policies AS policy ON policy.vendor_id = :vendor_id"
    f" LEFT JOIN {FIGURE_TOTALS.name} AS totals"
    " ON totals.partner_id = :partner_id AND totals.vendor_id = :vendor_id AND totals.period = :period"
).columns(
    sa.column("revenue_target", sa.Numeric(18, 2)),
    sa.column("plan_currency", sa.Text),
    sa.column("totals_currency", sa.Text),
    sa.column("policy_vendor", sa.Text),
    sa.column("total_index", sa.Numeric),
    sa.column("risk_adjusted_index", sa.Numeric),
    sa.column("stage_probabilities", JSONB),
    sa.column("at_risk_threshold", sa.Numeric),
    *(sa.column(c, sa.Numeric if c in MONEY_SUM_COLUMNS else sa.BigInteger) for c in SUM_COLUMNS),
)

# The flag, created (not at risk) when missing, and locked: one statement (the no-op update
# takes the row lock and lets RETURNING give the stored value).
_LOCK_FLAG = text(
    "INSERT INTO at_risk_flags AS f (partner_id, vendor_id, period, at_risk, updated_at)"
    " VALUES (:partner_id, :vendor_id, :period, false, :now)"
    " ON CONFLICT (partner_id, vendor_id, period) DO UPDATE SET at_risk = f.at_risk RETURNING f.at_risk"
)
_WRITE_FLAG = text(
    "UPDATE at_risk_flags SET at_risk = :at_risk, updated_at = :now"
    " WHERE partner_id = :partner_id AND vendor_id = :vendor_id AND period = :period"
)

# Whose at-risk state a policy can move: every partner with a plan (coverage needs one), and any
# still flagged (so a recovery is recorded too).
_POLICY_AFFECTED = text(
    "SELECT partner_id, period FROM partner_plans WHERE vendor_id = :vendor_id"
    " UNION SELECT partner_id, period FROM at_risk_flags WHERE vendor_id = :vendor_id AND at_risk"
)


def _for_update(wanted: bool) -> bool | None:
    return True if wanted else None


class PgPipelineStore:
    """service.ports.PipelineStore in a request's or a consumer batch's session."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def transaction(self) -> AbstractAsyncContextManager[object]:
        return self._session.begin()

    # --- the deal read model ---

    async def lock_deals(self, deal_ids: Sequence[str]) -> None:
        await _lock_many(self._session, DEAL_LOCK, deal_ids)

    async def deals_for_update(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        query = select(_DEALS).where(_DEALS.c.deal_id.in_(sorted(deal_ids))).with_for_update()
        return {row.deal_id: snapshot_of(row) for row in (await self._session.execute(query)).all()}

    async def save_deals(self, snapshots: Sequence[DealSnapshot]) -> None:
        if not snapshots:
            return
        values = [snapshot_values(s) for s in snapshots]
        columns: dict[str, Any] = {c: [v[c] for v in values] for c in _DEAL_COLUMNS}
        await self._session.execute(_UPSERT_DEALS, columns)

    async def lock_figures(self, keys: Iterable[FiguresKey]) -> None:
        await _lock_many(self._session, FIGURES_LOCK, (figures_lock_name(k) for k in keys))

    async def add_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
        await _add_totals(self._session, deltas)

    async def keep_attributes(self, snapshots: Iterable[DealSnapshot]) -> None:
        await _keep_attributes(self._session, snapshots)

    # --- figures ---

    async def figures_inputs(self, key: FiguresKey) -> FiguresInputs:
        rows = (await self._session.execute(_FIGURES_INPUTS, key._asdict())).all()
        first = rows[0]
        policy = policy_of(None if first.policy_vendor is None else first)
        totals = {r.totals_currency: totals_of_row(r) for r in rows if r.totals_currency is not None}
        plans: list[PlanAmount] = [] if first.revenue_target is None else [(first.revenue_target, first.plan_currency)]
        return FiguresInputs(totals, plans, policy)

    async def lock_at_risk_flag(self, key: FiguresKey, now: datetime) -> bool:
        return bool((await self._session.execute(_LOCK_FLAG, {**key._asdict(), "now": now})).scalar_one())

    async def set_at_risk_flag(self, key: FiguresKey, at_risk: bool, now: datetime) -> None:
        await self._session.execute(_WRITE_FLAG, {**key._asdict(), "at_risk": at_risk, "now": now})

    async def enqueue(self, messages: Sequence[Message]) -> None:
        await enqueue(self._session, messages)

    async def enqueue_traced(self, messages: Sequence[TracedMessage]) -> None:
        await enqueue_many(self._session, messages)

    # --- policies, plans, enrolments ---

    async def policy(self, vendor_id: str, *, for_update: bool = False) -> tuple[PipelinePolicy, PolicyVersion | None]:
        if for_update:
            await lock_name(self._session, f"pipeline-policy:{vendor_id}")
        row = await self._session.get(PolicyRow, vendor_id, with_for_update=_for_update(for_update))
        return policy_of(row), None if row is None else PolicyVersion(row.updated_at, row.version)

    async def save_policy(self, vendor_id: str, policy: PipelinePolicy, version: PolicyVersion) -> None:
        values: dict[str, Any] = {
            "total_index": policy.total_index,
            "risk_adjusted_index": policy.risk_adjusted_index,
            "stage_probabilities": {k: f"{v:f}" for k, v in policy.stage_probabilities.items()},
            "at_risk_threshold": policy.at_risk_threshold,
            "updated_at": version.updated_at,
            "version": version.version,
        }
        row = await self._session.get(PolicyRow, vendor_id)
        if row is None:
            row = PolicyRow(vendor_id=vendor_id, **values)
        else:
            for name, value in values.items():
                setattr(row, name, value)
        self._session.add(row)
        await self._session.flush()

    async def policy_affected(self, vendor_id: str) -> list[FiguresKey]:
        rows = (await self._session.execute(_POLICY_AFFECTED, {"vendor_id": vendor_id})).all()
        return sorted(FiguresKey(r.partner_id, vendor_id, r.period) for r in rows)

    async def plan(self, partner_id: str, vendor_id: str, period: str, *, for_update: bool = False) -> Plan | None:
        key = (partner_id, vendor_id, period)
        if for_update:
            await lock_name(self._session, f"plan:{partner_id}:{vendor_id}:{period}")
        row = await self._session.get(PlanRow, key, with_for_update=_for_update(for_update))
        return None if row is None else plan_of(row)

    async def save_plan(self, plan: Plan) -> None:
        row = await self._session.get(PlanRow, (plan.partner_id, plan.vendor_id, plan.period))
        if row is None:
            row = PlanRow(**vars(plan))
        else:
            row.revenue_target = plan.revenue_target
            row.currency = plan.currency
            row.updated_at = plan.updated_at
            row.version = plan.version
        self._session.add(row)
        await self._session.flush()

    async def is_enrolled(self, partner_id: str, vendor_id: str) -> bool:
        return await self._session.get(PartnerEnrolmentRow, (partner_id, vendor_id)) is not None

    async def keep_enrolments(self, enrolments: Iterable[Enrolment]) -> None:
        await _keep_enrolments(self._session, enrolments)

    # --- rollups ---

    async def period_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, PeriodTotals]]:
        query = select(FIGURE_TOTALS).where(FIGURE_TOTALS.c.vendor_id == vendor_id, FIGURE_TOTALS.c.period == period)
        out: dict[str, dict[str, PeriodTotals]] = {}
        for row in (await self._session.execute(query)).all():
            out.setdefault(row.partner_id, {})[row.currency] = totals_of_row(row)
        return out

    async def period_plans(self, vendor_id: str, period: str) -> dict[str, PlanAmount]:
        query = select(col(PlanRow.partner_id), col(PlanRow.revenue_target), col(PlanRow.currency)).where(
            col(PlanRow.vendor_id) == vendor_id, col(PlanRow.period) == period
        )
        return {
            row.partner_id: (row.revenue_target, row.currency) for row in (await self._session.execute(query)).all()
        }

    async def partner_terms(self, vendor_id: str) -> tuple[dict[str, DatedTerms], dict[str, DatedTerms]]:
        enrolled = (
            (
                await self._session.execute(
                    select(PartnerEnrolmentRow).where(col(PartnerEnrolmentRow.vendor_id) == vendor_id)
                )
            )
            .scalars()
            .all()
        )
        from_deals = (
            (
                await self._session.execute(
                    select(PartnerAttributesRow).where(col(PartnerAttributesRow.vendor_id) == vendor_id)
                )
            )
            .scalars()
            .all()
        )
        enrolments = {
            r.partner_id: (PartnerAttributes(r.tier, r.territory, r.region, r.channel_manager), r.updated_at)
            for r in enrolled
        }
        deals = {
            r.partner_id: (PartnerAttributes(r.tier, r.territory, r.region, r.channel_manager), r.last_event_time)
            for r in from_deals
        }
        return enrolments, deals


class PgReadModelStore:
    """service.ports.ReadModelStore in the rebuild's connection (one transaction)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def lock_read_model(self) -> None:
        # The deal consumer writes figure_totals and partner_attributes only after deals, and the
        # enrolment consumer writes partner_enrolments alone, so this order cannot deadlock.
        await self._conn.execute(
            text("LOCK TABLE deals, figure_totals, partner_attributes, partner_enrolments IN SHARE ROW EXCLUSIVE MODE")
        )

    async def replace_deals(self, snapshots: Sequence[DealSnapshot]) -> None:
        await self._conn.execute(text("DELETE FROM deals"))
        rows = [snapshot_values(s) for s in snapshots]
        for start in range(0, len(rows), INSERT_CHUNK):
            await self._conn.execute(insert(DealRow), rows[start : start + INSERT_CHUNK])

    async def replace_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
        await self._conn.execute(text(f"DELETE FROM {FIGURE_TOTALS.name}"))  # noqa: S608
        await _add_totals(self._conn, deltas)

    async def replace_attributes(self, snapshots: Iterable[DealSnapshot]) -> None:
        await self._conn.execute(text(f"DELETE FROM {PartnerAttributesRow.__tablename__}"))  # noqa: S608
        await _keep_attributes(self._conn, snapshots)

    async def keep_enrolments(self, enrolments: Iterable[Enrolment]) -> None:
        await _keep_enrolments(self._conn, enrolments)
