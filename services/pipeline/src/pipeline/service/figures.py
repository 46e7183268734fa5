"""Reading figures from the read model, and refreshing them (with their events) after a change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import CloudEvent, new_event
from events.outbox import enqueue
from events.topics import TopicNames
from pipeline.adapters.tables import AtRiskFlagRow, DealRow, PlanRow, PolicyRow
from pipeline.domain.at_risk import at_risk_transition
from pipeline.domain.figures import PipelineFigures, compute_figures
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot
from pipeline.service.snapshots import FiguresKey, snapshot_of
from pipeline.service.views import figures_json, policy_of

SERVICE = "pipeline"
# Namespaces of the two-key advisory locks this service takes (distinct from the relay's one-key lock).
DEAL_LOCK = 5301
FIGURES_LOCK = 5302


async def lock(session: AsyncSession, namespace: int, name: str) -> None:
    """A transaction-scoped lock on a name: serializes work on it across consumers and replicas."""
    await session.execute(text("SELECT pg_advisory_xact_lock(:ns, hashtext(:name))"), {"ns": namespace, "name": name})


async def load_policy(session: AsyncSession, vendor_id: str) -> tuple[PipelinePolicy, PolicyRow | None]:
    row = await session.get(PolicyRow, vendor_id)
    return policy_of(row), row


async def load_plan(session: AsyncSession, partner_id: str, vendor_id: str, period: str) -> PlanRow | None:
    return await session.get(PlanRow, (partner_id, vendor_id, period))


async def deals_in_period(
    session: AsyncSession, vendor_id: str, period: str, partner_id: str | None = None
) -> list[DealSnapshot]:
    query = (
        select(DealRow)
        .where(col(DealRow.vendor_id) == vendor_id, col(DealRow.period) == period)
        # The consumer upserts with a core statement: refresh rows already in the session.
        .execution_options(populate_existing=True)
    )
    if partner_id is not None:
        query = query.where(col(DealRow.partner_id) == partner_id)
    rows = (await session.execute(query)).scalars().all()
    return [snapshot_of(r) for r in rows]


async def partner_figures(
    session: AsyncSession, partner_id: str, vendor_id: str, period: Quarter
) -> tuple[PipelineFigures, PipelinePolicy]:
    policy, _ = await load_policy(session, vendor_id)
    plan = await load_plan(session, partner_id, vendor_id, str(period))
    deals = await deals_in_period(session, vendor_id, str(period), partner_id)
    figures = compute_figures(deals, None if plan is None else plan.revenue_target, policy, period)
    return figures, policy


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


async def refresh_figures(session: AsyncSession, key: FiguresKey, topics: TopicNames) -> PipelineFigures:
    """Recompute one partner's figures for a period inside the caller's transaction; enqueue
    pipeline-updated, and pipeline-at-risk when coverage has just fallen below the threshold."""
    await lock(session, FIGURES_LOCK, "|".join(key))
    figures, policy = await partner_figures(session, key.partner_id, key.vendor_id, Quarter.parse(key.period))

    now = datetime.now(UTC)
    await session.execute(
        insert(AtRiskFlagRow)
        .values(partner_id=key.partner_id, vendor_id=key.vendor_id, period=key.period, at_risk=False, updated_at=now)
        .on_conflict_do_nothing()
    )
    flag = (
        await session.execute(
            select(AtRiskFlagRow)
            .where(
                col(AtRiskFlagRow.partner_id) == key.partner_id,
                col(AtRiskFlagRow.vendor_id) == key.vendor_id,
                col(AtRiskFlagRow.period) == key.period,
            )
            .with_for_update()
        )
    ).scalar_one()
    transition = at_risk_transition(flag.at_risk, figures.coverage, policy.at_risk_threshold)
    if transition.at_risk != flag.at_risk:
        flag.at_risk = transition.at_risk
        flag.updated_at = now
        session.add(flag)

    events = [figures_event("pipeline-updated", key, figures, policy, transition.at_risk)]
    if transition.emit_event:
        events.append(figures_event("pipeline-at-risk", key, figures, policy, True))
    await enqueue(session, [(topics.pipeline, key.partner_id, e) for e in events])
    return figures
