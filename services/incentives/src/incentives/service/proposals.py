"""Use cases of build-your-own incentives: the vendor's policy, partners' proposals, the vendor's decision."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from incentives.domain.policy import (
    DEFAULT_POLICY,
    POLICY_FIELDS,
    IncentivePolicy,
    PartnerHistory,
    ProposalProblem,
    gate_decision,
    gate_forecast,
    proposal_problems,
)
from incentives.domain.programs import PayRegistrationOn
from incentives.domain.simulation import Forecast, ProposalStatus, SimulationResult, simulate
from incentives.service.ports import IncentivesStore, PolicyRecord, ProposalRecord
from incentives.service.preconditions import check_if_match
from incentives.service.programs import (
    ForecastTerms,
    OverlappingPrograms,
    ProgramTerms,
    add_program,
    forecast_of,
    partners_of,
    program_of,
)
from servicekit.errors import Conflict, Forbidden, InvalidInput, NotFound
from servicekit.money import format_money
from servicekit.principal import Principal, Role


def policy_of(record: PolicyRecord | None) -> IncentivePolicy:
    """The vendor's policy; what it never set (no record, or a field left None) is the default."""
    if record is None:
        return DEFAULT_POLICY
    return IncentivePolicy(**{k: v for k, v in record.values.items() if v is not None})


@dataclass(frozen=True)
class PolicyView:
    vendor_id: str
    policy: IncentivePolicy
    record: PolicyRecord | None

    @property
    def defaults(self) -> list[str]:
        """The fields the vendor never set."""
        return [n for n in POLICY_FIELDS if self.record is None or self.record.values.get(n) is None]


async def get_policy(store: IncentivesStore, principal: Principal, vendor_id: str) -> PolicyView:
    """The vendor's policy; its partners (enrolled with it) may read it to build within bounds."""
    if not principal.acts_for_vendor(vendor_id):
        enrolled = [await store.enrolled_tier(p, vendor_id) is not None for p in partners_of(principal)]
        if principal.role not in (Role.PARTNER, Role.AGGREGATOR) or not any(enrolled):
            raise NotFound("incentive policy")
    record = await store.policy(vendor_id)
    return PolicyView(vendor_id, policy_of(record), record)


async def put_policy(
    store: IncentivesStore, vendor_id: str, values: Mapping[str, Decimal | None], if_match: str | None, now: datetime
) -> PolicyView:
    """Replace the vendor's policy (fields left out go back to their default); If-Match honoured."""
    current = await store.lock_policy(vendor_id)
    check_if_match(if_match, current.version if current is not None else 0)
    columns: dict[str, Decimal | None] = {name: values.get(name) for name in POLICY_FIELDS}
    if columns["min_roi"] is None:
        columns["min_roi"] = DEFAULT_POLICY.min_roi
    record = PolicyRecord(
        vendor_id=vendor_id,
        values=columns,
        version=current.version + 1 if current is not None else 1,
        updated_at=now,
    )
    await store.save_policy(record)
    return PolicyView(vendor_id, policy_of(record), record)


def simulation_json(result: SimulationResult) -> dict[str, Any]:
    """A simulation as the API shows it (POST /v1/programs/simulate and a proposal's `simulation`)."""
    return {
        "expected_registrations": result.expected_registrations,
        "expected_wins": str(result.expected_wins),
        "expected_revenue": format_money(result.expected_revenue),
        "payout_before_budget": format_money(result.payout_before_budget),
        "expected_payout": format_money(result.expected_payout),
        "budget_limited": result.budget_limited,
        "roi": str(result.roi) if result.roi is not None else None,
    }


def _plain(value: Decimal) -> str:
    # "0.1", never "0.1000" or "1E+1".
    return format(value.normalize(), "f")


def _gate_json(forecast: Forecast, history: PartnerHistory) -> dict[str, Any]:
    return {
        "win_rate": _plain(forecast.win_rate),
        "avg_deal_amount": format_money(forecast.avg_deal_amount),
        "avg_margin_pct": _plain(forecast.avg_margin_pct),
        "tier": next(iter(forecast.tier_mix)),
        "history": {
            **{k: str(v) if v is not None else None for k, v in asdict(history).items()},
            "counted": history.counts,
        },
    }


def _refused(problems: list[ProposalProblem]) -> InvalidInput:
    return InvalidInput(
        [{"loc": ["body", "program", p.field], "msg": p.message, "type": "value_error"} for p in problems],
        detail="The proposal is outside the vendor's incentive policy: see errors.",
    )


def _overlap(exc: OverlappingPrograms) -> Conflict:
    return Conflict("The partner already has a program in that time.", conflicting_program_ids=exc.program_ids)


@dataclass(frozen=True, kw_only=True)
class ProposeProgram:
    """A partner's build-your-own program and the forecast it is judged on, as sent.

    `program_json`/`forecast_json` are the request's parts as JSON (stored as proposed);
    `pay_registration_on_given` is None when the partner left it out (it is then on approval).
    """

    program: ProgramTerms
    program_json: dict[str, Any]
    pay_registration_on_given: str | None
    forecast: ForecastTerms
    forecast_json: dict[str, Any]


async def propose(
    store: IncentivesStore, principal: Principal, command: ProposeProgram, now: datetime
) -> ProposalRecord:
    """Check the proposal against the vendor's policy, judge its ROI, create its program if approved.

    Approved at once when the ROI on the gate's (lowest) numbers meets min_roi; rejected when
    negative; pending otherwise. 422 naming each field outside the policy (nothing stored);
    409 when approved but the partner already has a program in that time.
    """
    partner_id = command.program.partner_id or principal.partner_id
    if principal.role not in (Role.PARTNER, Role.AGGREGATOR, Role.ADMIN) or not (
        partner_id and principal.acts_for_partner(partner_id)
    ):
        raise Forbidden("Only a partner may propose a program, for itself.")
    # Always paid on approval and clawed back on rejection; what the partner sent against
    # that is refused by the policy check (422), never silently changed.
    terms = replace(
        command.program,
        partner_id=partner_id,
        pay_registration_on=command.pay_registration_on_given or str(PayRegistrationOn.APPROVED),
    )
    program_json = {**command.program_json, "partner_id": partner_id, "pay_registration_on": terms.pay_registration_on}
    program = program_of(terms, str(uuid.uuid4()))
    forecast = forecast_of(command.forecast)
    policy = policy_of(await store.policy(program.vendor_id))
    problems = proposal_problems(
        program,
        budget=terms.budget,
        cap_per_deal=terms.cap_per_deal,
        pay_registration_on_given=command.pay_registration_on_given,
        policy=policy,
        today=now.astimezone(UTC).date(),
    )
    if problems:
        raise _refused(problems)
    history = await store.partner_history(partner_id, program.vendor_id, program.currency)
    tier = await store.enrolled_tier(partner_id, program.vendor_id)
    judged = gate_forecast(forecast, program, policy, history, tier)
    result = simulate(program, judged)
    status = gate_decision(result.roi, policy.min_roi)
    record = ProposalRecord(
        id=str(uuid.uuid4()),
        vendor_id=program.vendor_id,
        partner_id=partner_id,
        program=program_json,
        forecast=command.forecast_json,
        simulation=simulation_json(result),
        gate=_gate_json(judged, history),
        roi=result.roi,
        min_roi=policy.min_roi,
        status=str(status),
        created_at=now,
        version=1,
    )
    if status is not ProposalStatus.PENDING:
        record.decided_at = now
    if status is ProposalStatus.APPROVED:
        try:
            created = await add_program(store, program, budget=terms.budget, now=now, effective_from=now)
        except OverlappingPrograms as exc:
            raise _overlap(exc) from exc
        record.program_id = created.program.id
    await store.add_proposal(record)
    return record


async def get_proposal(store: IncentivesStore, principal: Principal, proposal_id: str) -> ProposalRecord:
    record = await store.proposal(proposal_id)
    if record is None or not principal.sees(vendor_id=record.vendor_id, partner_id=record.partner_id):
        raise NotFound("proposal")
    return record


async def decide(
    store: IncentivesStore,
    principal: Principal,
    proposal_id: str,
    decision: str,
    if_match: str | None,
    now: datetime,
    read_terms: Callable[[Mapping[str, Any]], ProgramTerms],
) -> ProposalRecord:
    """The vendor's decision on a pending proposal; approving creates the partner's program (from now on).

    `read_terms` reads the stored proposal's program (JSON, as proposed) back into terms.
    """
    record = await store.proposal(proposal_id, lock=True)
    if record is None or not principal.sees(vendor_id=record.vendor_id, partner_id=record.partner_id):
        raise NotFound("proposal")
    if not principal.acts_for_vendor(record.vendor_id):
        raise Forbidden("Only the vendor or an admin decides a proposal.")
    check_if_match(if_match, record.version)
    if record.status != ProposalStatus.PENDING:
        raise Conflict(f"The proposal is already {record.status}.")
    if decision == ProposalStatus.APPROVED:
        terms = read_terms(record.program)
        budget = record.program.get("budget")
        try:
            created = await add_program(
                store,
                program_of(terms, str(uuid.uuid4())),
                budget=Decimal(budget) if budget is not None else None,
                now=now,
                effective_from=now,
            )
        except OverlappingPrograms as exc:
            raise _overlap(exc) from exc
        record.program_id = created.program.id
    record.status = decision
    record.decided_at = now
    record.version += 1
    await store.save_proposal(record)
    return record
