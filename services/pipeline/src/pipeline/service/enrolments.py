"""The enrolment read model: partners.v1 folded into the enrolments (domain/enrolments.py says
which event wins), and the terms rollups group partners by.

The consumer applies each batch in the transaction that records its events in
processed_events (the IdempotentConsumer's), like every consumer; only a higher version
replaces a stored enrolment, so a redelivered or reordered event changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from events.topics import PARTNER_EVENT_TYPES
from pipeline.domain.enrolments import Enrolment, rollup_attributes
from pipeline.domain.read_model import PartnerAttributes
from pipeline.service.ports import EnrolmentStore, EventItem, PipelineStore


def enrolment_of(event: CloudEvent) -> Enrolment:
    """The enrolment a partners.v1 event carries (pydantic.ValidationError when malformed: the
    consumer dead-letters it)."""
    data = PartnerEnrolmentData.model_validate(event.data)
    return Enrolment(**{f.name: getattr(data, f.name) for f in fields(Enrolment)})


async def on_enrolment_events(store: EnrolmentStore, items: Sequence[EventItem]) -> None:
    """partner-enrolled / partner-updated: fold the enrolments into the read model, in one statement."""
    await store.keep_enrolments([enrolment_of(i.event) for i in items if i.event.type in PARTNER_EVENT_TYPES])


async def vendor_attributes(store: PipelineStore, vendor_id: str) -> dict[str, PartnerAttributes]:
    """Each of the vendor's partners' rollup terms: its enrolment's, or its deals' when newer or
    when no enrolment is known (domain.enrolments.rollup_attributes)."""
    enrolments, deals = await store.partner_terms(vendor_id)
    return {p: rollup_attributes(enrolments.get(p), deals.get(p)) for p in sorted({*enrolments, *deals})}
