"""In-memory fakes of pipeline's store Protocols (service/ports.py), FakeRepository style: the use
cases run on them with no PostgreSQL, Kafka or HTTP. A transaction rolls every change back on an
exception, as the real one does."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from events.envelope import CloudEvent
from pipeline.domain.deltas import TotalsKey
from pipeline.domain.enrolments import Enrolment, newest_enrolments, supersedes
from pipeline.domain.figures import PlanAmount
from pipeline.domain.keys import FiguresKey
from pipeline.domain.policy import PipelinePolicy
from pipeline.domain.read_model import DealSnapshot
from pipeline.domain.records import Plan, PolicyVersion
from pipeline.domain.rollups import newest_attributes
from pipeline.domain.totals import ZERO, PeriodTotals
from pipeline.service.ports import DatedTerms, FiguresInputs, Message, TracedMessage


@dataclass
class State:
    deals: dict[str, DealSnapshot] = field(default_factory=dict)
    totals: dict[TotalsKey, PeriodTotals] = field(default_factory=dict)
    attributes: dict[tuple[str, str], DatedTerms] = field(default_factory=dict)  # (vendor, partner)
    enrolments: dict[tuple[str, str], Enrolment] = field(default_factory=dict)  # (partner, vendor)
    policies: dict[str, tuple[PipelinePolicy, PolicyVersion]] = field(default_factory=dict)
    plans: dict[tuple[str, str, str], Plan] = field(default_factory=dict)
    flags: dict[FiguresKey, bool] = field(default_factory=dict)
    outbox: list[TracedMessage] = field(default_factory=list)


class FakePipelineStore:
    """service.ports.PipelineStore (and EnrolmentStore, ReadModelStore) in memory."""

    def __init__(self) -> None:
        self.state = State()
        self.commits = 0
        self.locked_deals: list[str] = []
        self.locked_figures: list[FiguresKey] = []

    # --- what tests read ---

    def events(self, event_type: str | None = None) -> list[CloudEvent]:
        return [e for _, _, e, _ in self.state.outbox if event_type is None or e.type == event_type]

    def enrol(self, partner_id: str, vendor_id: str, version: int = 1, at: datetime | None = None) -> None:
        moment = at or datetime(2026, 1, 1).astimezone()
        enrolment = Enrolment(partner_id, vendor_id, None, 1, "west", "NA", "cm-1", version, moment)
        self.state.enrolments[enrolment.key] = enrolment

    # --- the unit of work ---

    def transaction(self) -> AbstractAsyncContextManager[object]:
        return self._transaction()

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[object]:
        saved = copy.deepcopy(self.state)
        try:
            yield self
        except BaseException:
            self.state = saved
            raise
        self.commits += 1

    # --- the deal read model ---

    async def lock_deals(self, deal_ids: Sequence[str]) -> None:
        self.locked_deals.extend(deal_ids)

    async def deals_for_update(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        return {d: self.state.deals[d] for d in deal_ids if d in self.state.deals}

    async def save_deals(self, snapshots: Sequence[DealSnapshot]) -> None:
        self.state.deals.update((s.deal_id, s) for s in snapshots)

    async def lock_figures(self, keys: Iterable[FiguresKey]) -> None:
        self.locked_figures.extend(keys)

    async def add_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
        for key, delta in deltas.items():
            self.state.totals[key] = self.state.totals.get(key, ZERO) + delta

    async def keep_attributes(self, snapshots: Iterable[DealSnapshot]) -> None:
        for key, (terms, at) in newest_attributes(snapshots).items():
            held = self.state.attributes.get(key)
            if held is None or held[1] <= at:
                self.state.attributes[key] = (terms, at)

    # --- figures ---

    async def figures_inputs(self, key: FiguresKey) -> FiguresInputs:
        totals = {k.currency: t for k, t in self.state.totals.items() if k.figures_key == key}
        plan = self.state.plans.get((key.partner_id, key.vendor_id, key.period))
        plans: list[PlanAmount] = [] if plan is None else [(plan.revenue_target, plan.currency)]
        policy, _ = await self.policy(key.vendor_id)
        return FiguresInputs(totals, plans, policy)

    async def lock_at_risk_flag(self, key: FiguresKey, now: datetime) -> bool:
        return self.state.flags.setdefault(key, False)

    async def set_at_risk_flag(self, key: FiguresKey, at_risk: bool, now: datetime) -> None:
        self.state.flags[key] = at_risk

    async def enqueue(self, messages: Sequence[Message]) -> None:
        self.state.outbox.extend((topic, key, event, None) for topic, key, event in messages)

    async def enqueue_traced(self, messages: Sequence[TracedMessage]) -> None:
        self.state.outbox.extend(messages)

    # --- policies, plans, enrolments ---

    async def policy(self, vendor_id: str, *, for_update: bool = False) -> tuple[PipelinePolicy, PolicyVersion | None]:
        stored = self.state.policies.get(vendor_id)
        return (PipelinePolicy(), None) if stored is None else stored

    async def save_policy(self, vendor_id: str, policy: PipelinePolicy, version: PolicyVersion) -> None:
        self.state.policies[vendor_id] = (policy, version)

    async def policy_affected(self, vendor_id: str) -> list[FiguresKey]:
        planned = {FiguresKey(p, v, q) for p, v, q in self.state.plans if v == vendor_id}
        flagged = {k for k, at_risk in self.state.flags.items() if at_risk and k.vendor_id == vendor_id}
        return sorted(planned | flagged)

    async def plan(self, partner_id: str, vendor_id: str, period: str, *, for_update: bool = False) -> Plan | None:
        return self.state.plans.get((partner_id, vendor_id, period))

    async def save_plan(self, plan: Plan) -> None:
        self.state.plans[(plan.partner_id, plan.vendor_id, plan.period)] = plan

    async def is_enrolled(self, partner_id: str, vendor_id: str) -> bool:
        return (partner_id, vendor_id) in self.state.enrolments

    async def keep_enrolments(self, enrolments: Iterable[Enrolment]) -> None:
        for key, enrolment in newest_enrolments(enrolments).items():
            if supersedes(enrolment, self.state.enrolments.get(key)):
                self.state.enrolments[key] = enrolment

    # --- rollups ---

    async def period_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, PeriodTotals]]:
        out: dict[str, dict[str, PeriodTotals]] = {}
        for key, totals in sorted(self.state.totals.items()):
            if key.vendor_id == vendor_id and key.period == period:
                out.setdefault(key.partner_id, {})[key.currency] = totals
        return out

    async def period_plans(self, vendor_id: str, period: str) -> dict[str, PlanAmount]:
        return {
            p: (plan.revenue_target, plan.currency)
            for (p, v, q), plan in self.state.plans.items()
            if v == vendor_id and q == period
        }

    async def partner_terms(self, vendor_id: str) -> tuple[dict[str, DatedTerms], dict[str, DatedTerms]]:
        enrolled = {p: (e.attributes, e.updated_at) for (p, v), e in self.state.enrolments.items() if v == vendor_id}
        from_deals = {p: terms for (v, p), terms in self.state.attributes.items() if v == vendor_id}
        return enrolled, from_deals

    # --- the rebuild's ReadModelStore ---

    async def lock_read_model(self) -> None:
        return None

    async def replace_deals(self, snapshots: Sequence[DealSnapshot]) -> None:
        self.state.deals = {s.deal_id: s for s in snapshots}

    async def replace_totals(self, deltas: Mapping[TotalsKey, PeriodTotals]) -> None:
        self.state.totals = dict(deltas)

    async def replace_attributes(self, snapshots: Iterable[DealSnapshot]) -> None:
        self.state.attributes = {}
        await self.keep_attributes(snapshots)


class FakeScorecardStore:
    """service.scorecard_ports.ScorecardStore in memory, reading the deal read model and the
    enrolments of a FakePipelineStore (the real one reads the same tables)."""

    def __init__(self, pipeline: FakePipelineStore) -> None:
        from decimal import Decimal

        from pipeline.domain.scorecards import CohortTotals, DealFact
        from pipeline.service.scorecard_ports import RewardEntry, WeightsRecord

        self.pipeline = pipeline
        self.facts_by_deal: dict[str, DealFact] = {}
        self.periods: dict[tuple[str, str, str], CohortTotals] = {}
        self.entries: dict[str, RewardEntry] = {}
        self.reward_sums: dict[tuple[str, str, str, str], Decimal] = {}  # (vendor, period, partner, currency)
        self.weights_by_vendor: dict[str, WeightsRecord] = {}
        self.locked: list[tuple[str, str, str]] = []

    def transaction(self) -> AbstractAsyncContextManager[object]:
        return self.pipeline.transaction()

    async def snapshots(self, deal_ids: Sequence[str]) -> dict[str, DealSnapshot]:
        return {d: self.pipeline.state.deals[d] for d in deal_ids if d in self.pipeline.state.deals}

    async def facts(self, deal_ids: Sequence[str]) -> dict[str, Any]:
        return {d: self.facts_by_deal[d] for d in deal_ids if d in self.facts_by_deal}

    async def save_facts(self, facts: Sequence[Any]) -> None:
        self.facts_by_deal.update({f.deal_id: f for f in facts})

    async def lock_periods(self, keys: Iterable[tuple[str, str, str]]) -> None:
        self.locked.extend(keys)

    async def totals_of_keys(self, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], Any]:
        return {k: self.periods[k] for k in keys if k in self.periods}

    async def middle_decisions(self, keys: Sequence[tuple[str, str, str]]) -> dict[tuple[str, str, str], list[Any]]:
        out = {}
        for key in keys:
            elapsed = sorted(
                f.decided_at - f.created_at
                for f in self.facts_by_deal.values()
                if (f.vendor_id, f.partner_id, f.registered_period) == key and f.decided_at is not None
            )
            if elapsed:
                n = len(elapsed)
                out[key] = elapsed[(n - 1) // 2 : n // 2 + 1]
        return out

    async def save_periods(self, totals: Mapping[tuple[str, str, str], Any]) -> None:
        from pipeline.domain.scorecards import CohortTotals

        for key, value in totals.items():
            if value == CohortTotals():
                self.periods.pop(key, None)
            else:
                self.periods[key] = value

    async def add_rewards(self, entries: Sequence[Any]) -> int:
        new = []
        for e in entries:
            if e.entry_id in self.entries:
                continue
            new.append(e)
            self.entries[e.entry_id] = e
            key = (e.vendor_id, e.period, e.partner_id, e.currency)
            self.reward_sums[key] = self.reward_sums.get(key, 0) + e.amount
        return len(new)

    async def period_totals(self, vendor_id: str, periods: Sequence[str]) -> dict[str, dict[str, Any]]:
        return {p: {k[1]: t for k, t in self.periods.items() if k[0] == vendor_id and k[2] == p} for p in periods}

    async def activity_flags(self, vendor_id: str, periods: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
        found = await self.period_totals(vendor_id, periods)
        return {
            p: ({k for k, t in f.items() if t.active}, {k for k, t in f.items() if t.producing})
            for p, f in found.items()
        }

    async def reward_totals(self, vendor_id: str, period: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for (v, p, partner, currency), amount in self.reward_sums.items():
            if v == vendor_id and p == period:
                out.setdefault(partner, {})[currency] = amount
        return out

    async def enrolled(self, vendor_id: str) -> set[str]:
        return {p for p, v in self.pipeline.state.enrolments if v == vendor_id}

    async def weights(self, vendor_id: str, *, for_update: bool = False) -> Any:
        return self.weights_by_vendor.get(vendor_id)

    async def save_weights(self, record: Any) -> None:
        self.weights_by_vendor[record.vendor_id] = record

    async def lock_for_rebuild(self) -> None:
        return None

    async def replace_all(self, facts: Sequence[Any], totals: Mapping[Any, Any], rewards: Sequence[Any]) -> None:
        self.facts_by_deal, self.periods, self.entries, self.reward_sums = {}, {}, {}, {}
        await self.save_facts(facts)
        await self.save_periods(totals)
        await self.add_rewards(rewards)
