"""The enrolment read model: who is enrolled with which vendor, from partners.v1.

A replayed or reordered event never rolls an enrolment back: only a higher `version`
replaces what is kept (the store's rule).
"""

from __future__ import annotations

from collections.abc import Iterable

from events.envelope import CloudEvent
from events.schemas import PartnerEnrolmentData
from incentives.service.ports import IncentivesStore


async def keep_enrolments(store: IncentivesStore, events: Iterable[CloudEvent]) -> None:
    """partner-enrolled / partner-updated, in delivery order: keep the highest version per (partner, vendor)."""
    for event in events:
        await store.keep_enrolment(PartnerEnrolmentData.model_validate(event.data))
