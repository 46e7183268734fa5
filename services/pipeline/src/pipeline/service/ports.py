"""What the use cases need of storage: the store Protocols (adapters/store.py implements them
on PostgreSQL; tests/unit/pipeline/fakes.py in memory).

One store per transaction: the request's session (which also carries an Idempotency-Key's
claim) or the consumer batch's; outbox rows go through the store in that same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from events.envelope import CloudEvent
from pipeline.domain.deltas import TotalsKey
from pipeline.domain.enrolments import Enrolment
from pipeline.domain.figures import PlanAmount
from pipeline.domain.keys import FiguresKey
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot, PartnerAttributes
from pipeline.domain.records import Plan, PolicyVersion
from pipeline.domain.totals import PeriodTotals

# (topic, key, event): an outbox row, traced with the current trace context.
Message = tuple[str, str | None, CloudEvent]
# (topic, key, event, traceparent): an outbox row that continues the trace of the event that caused it.
TracedMessage = tuple[str, str | None, CloudEvent, str | None]
# A partner's rollup terms and when they were shown.
DatedTerms = tuple[PartnerAttributes, datetime]


class EventItem(Protocol):
    """A claimed event of a consumer batch (events.batching.BatchItem)."""

    @property
    def event(self) -> CloudEvent: ...

    @property
    def traceparent(self) -> str | None: ...


@dataclass(frozen=True)
class FiguresInputs:
    """What one key's figures are computed from: its totals per currency, its plan and the policy."""

    totals: dict[str, PeriodTotals]
    plans: list[PlanAmount]
    policy: PipelinePolicy


class EnrolmentStore(Protocol):
    async def keep_enrolments(self, enrolments: Iterable[Enrolment]) -> None:
        """Store these enrolments where they are newer (by version) than what is held."""


class PipelineStore(EnrolmentStore, Protocol):
    """The read model, the figures and their inputs (plans, policies), one transaction's worth."""

    def transaction(self) -> AbstractAsyncContextManager[object]:
        """The unit of work: everything inside commits together (or not at all)."""

    # --- the deal read model (a consumer batch) ---

    async def lock_deals(self, deal_ids: Sequence[str]) -> None:
        """Serialize work on these deals (also those with no row yet), in one lock order."""

    async def deals_for_update(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        """The stored snapshots of these deals (those that exist), their rows locked."""

    async def save_deals(self, snapshots: Sequence[DealSnapshot]) -> None: ...

    async def lock_figures(self, keys: Iterable[FiguresKey]) -> None:
        """Serialize recomputations of these keys' figures, in one lock order."""

    async def add_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
        """Add each delta to its key's stored totals (created when missing)."""

    async def keep_attributes(self, snapshots: Iterable[DealSnapshot]) -> None:
        """Record the rollup terms these (changed) deals show for their partners, where newer."""

    # --- figures ---

    async def figures_inputs(self, key: FiguresKey) -> FiguresInputs: ...

    async def lock_at_risk_flag(self, key: FiguresKey, now: datetime) -> bool:
        """The key's at-risk flag (created, not at risk, when missing), locked until commit."""

    async def set_at_risk_flag(self, key: FiguresKey, at_risk: bool, now: datetime) -> None: ...

    async def enqueue(self, messages: Sequence[Message]) -> None:
        """Outbox rows in this transaction, with the current trace context."""

    async def enqueue_traced(self, messages: Sequence[TracedMessage]) -> None:
        """Outbox rows in this transaction, each with its own traceparent."""

    # --- policies, plans, enrolments ---

    async def policy(self, vendor_id: str, *, for_update: bool = False) -> tuple[PipelinePolicy, PolicyVersion | None]:
        """The vendor's policy (the defaults, and no version, when it has set none)."""

    async def save_policy(self, vendor_id: str, policy: PipelinePolicy, version: PolicyVersion) -> None: ...

    async def policy_affected(self, vendor_id: str) -> list[FiguresKey]:
        """Whose at-risk state a policy can move: every key with a plan, and any still flagged."""

    async def plan(self, partner_id: str, vendor_id: str, period: str, *, for_update: bool = False) -> Plan | None: ...

    async def save_plan(self, plan: Plan) -> None: ...

    async def is_enrolled(self, partner_id: str, vendor_id: str) -> bool: ...

    # --- rollups ---

    async def period_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, PeriodTotals]]:
        """Each of the vendor's partners' stored totals of the period, per currency."""

    async def period_plans(self, vendor_id: str, period: str) -> dict[str, PlanAmount]: ...

    async def partner_terms(self, vendor_id: str) -> tuple[dict[str, DatedTerms], dict[str, DatedTerms]]:
        """Each of the vendor's partners' terms: as enrolled, and as its latest deal event showed them."""


class ReadModelStore(EnrolmentStore, Protocol):
    """The rebuild's: the whole read model replaced in one transaction."""

    async def lock_read_model(self) -> None:
        """Block the live consumers' writes to the read model (not its readers) until commit."""

    async def replace_deals(self, snapshots: Sequence[DealSnapshot]) -> None: ...

    async def replace_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None: ...

    async def replace_attributes(self, snapshots: Iterable[DealSnapshot]) -> None: ...
