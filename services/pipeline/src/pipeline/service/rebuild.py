"""The rebuild's use case: the whole read model replaced by what the replayed events show, in the
caller's transaction (pipeline/rebuild.py reads the events from Kafka and calls this)."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.domain.deltas import totals_deltas
from pipeline.domain.enrolments import Enrolment
from pipeline.domain.read_model import DealSnapshot
from pipeline.service.ports import ReadModelStore


async def replace_read_model(
    store: ReadModelStore, snapshots: Sequence[DealSnapshot], enrolments: Sequence[Enrolment]
) -> None:
    """Every deal replaced; figure_totals and partner_attributes recomputed from the rebuilt deals
    through the consumer's own delta code; enrolments kept where their version is higher. At-risk
    flags are kept (they record which pipeline-at-risk events were already sent) and no event is
    published."""
    await store.replace_deals(snapshots)
    await store.replace_totals(totals_deltas((None, s) for s in snapshots))
    await store.replace_attributes(snapshots)
    await store.keep_enrolments(enrolments)
