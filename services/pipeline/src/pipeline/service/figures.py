"""Reading figures (from the stored totals), and refreshing them (with their events) after a change."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import CloudEvent, new_event
from events.outbox import enqueue
from events.topics import TopicNames
from pipeline.adapters.tables import FIGURE_TOTALS, MONEY_SUM_COLUMNS, SUM_COLUMNS, DealRow, PlanRow, PolicyRow
from pipeline.domain.at_risk import at_risk_transition
from pipeline.domain.figures import PipelineFigures, figures_by_currency
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot
from pipeline.service.snapshots import SNAPSHOT_COLUMNS, FiguresKey, snapshot_of_values
from pipeline.service.totals import totals_of_row
from pipeline.service.views import figures_json, policy_of

SERVICE = "pipeline"
# Namespaces of the two-key advisory locks this service takes (distinct from the relay's one-key lock).
DEAL_LOCK = 5301
FIGURES_LOCK = 5302


# The locks of many names in one round trip, taken in the order of their lock keys (not of
# the names: two names may hash alike), so that any two transactions take them in one order.
_LOCK_MANY = text(
    "SELECT pg_advisory_xact_lock(:ns, h) FROM"
    " (SELECT DISTINCT hashtext(n) AS h FROM unnest(CAST(:names AS text[])) AS u(n) ORDER BY h) AS k"
)


async def lock(session: AsyncSession, namespace: int, name: str) -> None:
    """A transaction-scoped lock on a name: serializes work on it across consumers and replicas."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(:name))"), {"ns": namespace, "name": name})


async def lock_many(session: AsyncSession, namespace: int, names: Iterable[str]) -> None:
    """`lock` on every name, in one statement and in lock-key order (no deadlock between batches)."""
    distinct = sorted(set(names))
    if distinct:
        await session.execute(_LOCK_MANY, {"ns": namespace, "names": distinct})


def figures_lock_name(key: FiguresKey) -> str:
    return "|".join(key)


async def load_policy(session: AsyncSession, vendor_id: str) -> tuple[PipelinePolicy, PolicyRow | None]:
    row = await session.get(PolicyRow, vendor_id)
    return policy_of(row), row


async def load_plan(session: AsyncSession, partner_id: str, vendor_id: str, period: str) -> PlanRow | None:
    return await session.get(PlanRow, (partner_id, vendor_id, period))


async def deals_in_period(
    session: AsyncSession, vendor_id: str, period: str, partner_id: str | None = None
) -> list[DealSnapshot]:
    # Plain rows, not ORM objects: no identity map to fill (or refresh) for thousands of deals,
    # and the consumer's core upserts are always seen.
    table = DealRow.__table__  # type: ignore[attr-defined]
    query = select(*(table.c[name] for name in SNAPSHOT_COLUMNS)).where(
        table.c.vendor_id == vendor_id, table.c.period == period
    )
    if partner_id is not None:
        query = query.where(table.c.partner_id == partner_id)
    rows = (await session.execute(query)).all()
    return [snapshot_of_values(r) for r in rows]


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


async def partner_figures(
    session: AsyncSession, partner_id: str, vendor_id: str, period: Quarter
) -> tuple[PipelineFigures, PipelinePolicy]:
    """One partner's figures for a period, from its stored totals (not from its deals), in its
    plan's currency (domain.figures.figures_by_currency); other currencies under other_currencies."""
    where = {"partner_id": partner_id, "vendor_id": vendor_id, "period": str(period)}
    rows = (await session.execute(_FIGURES_INPUTS, where)).all()
    first = rows[0]
    policy = policy_of(None if first.policy_vendor is None else first)  # type: ignore[arg-type]
    totals = {r.totals_currency: totals_of_row(r) for r in rows if r.totals_currency is not None}
    plans = [] if first.revenue_target is None else [(first.revenue_target, first.plan_currency)]
    return figures_by_currency(totals, plans, policy), policy


def figures_event(
    event_type: str, key: FiguresKey, figures: PipelineFigures, policy: PipelinePolicy, at_risk: bool
) -> CloudEvent:
    data: dict[str, Any] = {
        "partner_id": key.partner_id,
        "vendor_id": key.vendor_id,
        "period": key.period,
        "coverage": None if figures.coverage is None else f"{figures.coverage:f}",
        "at_risk_threshold": f"{policy.at_risk_threshold:f}",
        "at_risk": at_risk,
        "figures": figures_json(figures),
    }
    return new_event(event_type=event_type, service=SERVICE, subject=key.partner_id, data=data)


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


async def recompute_figures(
    session: AsyncSession, key: FiguresKey, *, locked: bool = False
) -> tuple[PipelineFigures, list[CloudEvent]]:
    """Recompute one partner's figures for a period inside the caller's transaction and move its
    at-risk flag; the events to announce: pipeline-updated, and pipeline-at-risk when coverage
    has just fallen below the threshold. The caller enqueues them (and may hold the key's lock
    already: `locked`)."""
    if not locked:
        await lock(session, FIGURES_LOCK, figures_lock_name(key))
    figures, policy = await partner_figures(session, key.partner_id, key.vendor_id, Quarter.parse(key.period))

    now = datetime.now(UTC)
    where = {"partner_id": key.partner_id, "vendor_id": key.vendor_id, "period": key.period}
    flagged = bool((await session.execute(_LOCK_FLAG, {**where, "now": now})).scalar_one())
    transition = at_risk_transition(flagged, figures.coverage, policy.at_risk_threshold)
    if transition.at_risk != flagged:
        await session.execute(_WRITE_FLAG, {**where, "at_risk": transition.at_risk, "now": now})

    events = [figures_event("pipeline-updated", key, figures, policy, transition.at_risk)]
    if transition.emit_event:
        events.append(figures_event("pipeline-at-risk", key, figures, policy, True))
    return figures, events


async def refresh_figures(session: AsyncSession, key: FiguresKey, topics: TopicNames) -> PipelineFigures:
    """recompute_figures, its events enqueued with the current trace context."""
    figures, events = await recompute_figures(session, key)
    await enqueue(session, [(topics.pipeline, key.partner_id, e) for e in events])
    return figures


# Whose at-risk state a policy can move: every partner with a plan (coverage needs one), and any
# still flagged (so a recovery is recorded too).
_POLICY_AFFECTED = text(
    "SELECT partner_id, period FROM partner_plans WHERE vendor_id = :vendor_id"
    " UNION SELECT partner_id, period FROM at_risk_flags WHERE vendor_id = :vendor_id AND at_risk"
)


async def reevaluate_vendor(session: AsyncSession, vendor_id: str, topics: TopicNames) -> int:
    """After a change of the vendor's policy (flushed in this transaction): recompute the figures
    of every affected (partner, period) at once, move their at-risk flags and enqueue their
    events (pipeline-updated, and pipeline-at-risk where coverage has just fallen below the
    threshold), all in the caller's transaction, so the policy never commits without them.
    Holds every key's figures lock (in lock-key order, as the consumer takes them) so that no
    deal batch recomputes one with the old policy meanwhile. Returns how many were recomputed."""
    rows = (await session.execute(_POLICY_AFFECTED, {"vendor_id": vendor_id})).all()
    keys = sorted(FiguresKey(r.partner_id, vendor_id, r.period) for r in rows)
    await lock_many(session, FIGURES_LOCK, (figures_lock_name(k) for k in keys))
    outgoing: list[tuple[str, str | None, CloudEvent]] = []
    for key in keys:
        _, events = await recompute_figures(session, key, locked=True)
        outgoing.extend((topics.pipeline, key.partner_id, e) for e in events)
    if outgoing:
        await enqueue(session, outgoing)
    return len(keys)
