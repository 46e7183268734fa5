"""Figures: read from the stored totals, and recomputed (with their events) after a change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from events.envelope import CloudEvent, new_event
from events.topics import TopicNames
from events.vocabulary import PipelineEventType
from pipeline.domain.at_risk import at_risk_transition
from pipeline.domain.figures import PipelineFigures, figures_by_currency
from pipeline.domain.keys import FiguresKey
from pipeline.domain.periods import Quarter
from pipeline.domain.policy import PipelinePolicy
from pipeline.service.ports import PipelineStore, TracedMessage
from pipeline.service.views import figures_json

SERVICE = "pipeline"


async def partner_figures(
    store: PipelineStore, partner_id: str, vendor_id: str, period: Quarter
) -> tuple[PipelineFigures, PipelinePolicy]:
    """One partner's figures for a period, from its stored totals (not from its deals), in its
    plan's currency (domain.figures.figures_by_currency); other currencies under other_currencies."""
    inputs = await store.figures_inputs(FiguresKey(partner_id, vendor_id, str(period)))
    return figures_by_currency(inputs.totals, inputs.plans, inputs.policy), inputs.policy


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


async def recompute_figures(
    store: PipelineStore, key: FiguresKey, *, locked: bool = False
) -> tuple[PipelineFigures, list[CloudEvent]]:
    """Recompute one partner's figures for a period inside the caller's transaction and move its
    at-risk flag; the events to announce: pipeline-updated, and pipeline-at-risk when coverage
    has just fallen below the threshold. The caller enqueues them (and may hold the key's lock
    already: `locked`)."""
    if not locked:
        await store.lock_figures([key])
    figures, policy = await partner_figures(store, key.partner_id, key.vendor_id, Quarter.parse(key.period))
    now = datetime.now(UTC)
    flagged = await store.lock_at_risk_flag(key, now)
    transition = at_risk_transition(flagged, figures.coverage, policy.at_risk_threshold)
    if transition.at_risk != flagged:
        await store.set_at_risk_flag(key, transition.at_risk, now)
    events = [figures_event(PipelineEventType.PIPELINE_UPDATED, key, figures, policy, transition.at_risk)]
    if transition.emit_event:
        events.append(figures_event(PipelineEventType.PIPELINE_AT_RISK, key, figures, policy, True))
    return figures, events


async def refresh_figures(store: PipelineStore, key: FiguresKey, topics: TopicNames) -> PipelineFigures:
    """recompute_figures, its events enqueued with the current trace context."""
    figures, events = await recompute_figures(store, key)
    await store.enqueue([(topics.pipeline, key.partner_id, e) for e in events])
    return figures


async def refresh_many(
    store: PipelineStore, keys: Iterable[FiguresKey], topics: TopicNames, traces: Mapping[FiguresKey, str | None] | None
) -> int:
    """Recompute the figures of every key, whose figures locks the caller holds (taken at once, in
    lock-key order, as every writer takes them), and enqueue their events in one statement: each key's
    with the traceparent `traces` gives it (the last event that touched it), or with the current
    trace context when `traces` is None. Returns how many keys were recomputed."""
    ordered = sorted(set(keys))
    outgoing: list[TracedMessage] = []
    for key in ordered:
        _, events = await recompute_figures(store, key, locked=True)
        trace = None if traces is None else traces[key]
        outgoing.extend((topics.pipeline, key.partner_id, e, trace) for e in events)
    if traces is None:
        await store.enqueue([(topic, partner, event) for topic, partner, event, _ in outgoing])
    else:
        await store.enqueue_traced(outgoing)
    return len(ordered)


async def reevaluate_vendor(store: PipelineStore, vendor_id: str, topics: TopicNames) -> int:
    """After a change of the vendor's policy (saved in this transaction): recompute the figures
    of every affected (partner, period) at once, move their at-risk flags and enqueue their
    events (pipeline-updated, and pipeline-at-risk where coverage has just fallen below the
    threshold), all in the caller's transaction, so the policy never commits without them.
    Holds every key's figures lock so that no deal batch recomputes one with the old policy
    meanwhile. Returns how many were recomputed."""
    keys = await store.policy_affected(vendor_id)
    await store.lock_figures(keys)
    return await refresh_many(store, keys, topics, None)
