"""Recording deal changes: one history row and one deals.v1 event (via the outbox) per change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dealreg.domain.deals import DealChange
from dealreg.domain.enrolment import PartnerTerms
from dealreg.service.ports import DealStore, Outgoing
from dealreg.service.views import deal_event_data
from events.envelope import CloudEvent, new_event
from events.topics import TopicNames
from events.tracecontext import current_traceparent

SERVICE = "dealreg"
# Actors that are not a person: the vendor's policy and the scheduler.
POLICY_ACTOR = "system:policy"
SCHEDULER_ACTOR = "system:scheduler"


def _history_data(change: DealChange) -> dict[str, object]:
    data: dict[str, object] = {k: (str(v) if v is not None else None) for k, v in change.data.items()}
    data["status"] = str(change.deal.status)
    data["stage"] = str(change.deal.stage)
    data["version"] = change.deal.version
    return data


def _history_row(change: DealChange, actor: str) -> dict[str, Any]:
    deal = change.deal
    return {"deal_id": deal.id, "type": str(change.event_type), "at": deal.updated_at, "actor": actor,
            "data": _history_data(change)}  # fmt: skip


def change_records(
    topics: TopicNames, partner: PartnerTerms, changes: Sequence[tuple[DealChange, str]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """History rows and outbox rows (column values, in change order) for a Core insert."""
    traceparent = current_traceparent()
    history: list[dict[str, Any]] = []
    outbox: list[dict[str, Any]] = []
    for change, actor in changes:
        deal = change.deal
        history.append(_history_row(change, actor))
        event = _event(change, partner)
        outbox.append(
            {"event_id": event.id, "topic": topics.deals, "key": deal.id, "payload": event.to_json(),
             "traceparent": traceparent}
        )  # fmt: skip
    return history, outbox


def _event(change: DealChange, partner: PartnerTerms) -> CloudEvent:
    deal = change.deal
    reason = change.data.get("reason")
    return new_event(
        event_type=str(change.event_type),
        service=SERVICE,
        subject=deal.id,
        data=deal_event_data(deal, partner, reason=str(reason) if reason is not None else None),
        time=deal.updated_at,
    )


async def record_changes(
    store: DealStore,
    topics: TopicNames,
    partner: PartnerTerms,
    changes: Sequence[tuple[DealChange, str]],
) -> None:
    """History rows and outbox events for (change, actor) pairs, in order, in the store's transaction."""
    history: list[dict[str, Any]] = []
    outgoing: list[Outgoing] = []
    for change, actor in changes:
        deal = change.deal
        history.append(_history_row(change, actor))
        outgoing.append((topics.deals, deal.id, _event(change, partner)))
    await store.record_changes(history, outgoing)
