"""Use cases of build-your-own incentives: the vendor's policy, partners' proposals, the vendor's decision."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, text
from sqlmodel.ext.asyncio.session import AsyncSession

from incentives.adapters.tables import EnrolmentRow, ProposalRow, VendorPolicyRow
from incentives.domain.policy import (
    DEFAULT_POLICY,
    POLICY_FIELDS,
    IncentivePolicy,
    PartnerHistory,
    ProposalProblem,
    ProposalStatus,
    gate_decision,
    gate_forecast,
    proposal_problems,
)
from incentives.domain.programs import Program
from incentives.domain.simulation import Forecast, SimulationResult, simulate
from incentives.service.preconditions import check_if_match
from incentives.service.programs import insert_program
from servicekit.money import format_money
from servicekit.principal import Principal


class ProposalRefused(Exception):
    """The proposal breaks the vendor's policy (a 422 naming each field)."""

    def __init__(self, problems: list[ProposalProblem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


class ProposalNotFound(Exception):
    pass


class NotTheVendor(Exception):
    pass


class AlreadyDecided(Exception):
    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def policy_of(row: VendorPolicyRow | None) -> IncentivePolicy:
    """The vendor's policy; what it never set (no row, or a NULL column) is the default."""
    if row is None:
        return DEFAULT_POLICY
    values = {name: getattr(row, name) for name in POLICY_FIELDS if getattr(row, name) is not None}
    return IncentivePolicy(**values)


async def _lock_vendor_policy(session: AsyncSession, vendor_id: str) -> VendorPolicyRow | None:
    # Serialises the first PUT of a vendor too, when there is no row to lock yet.
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(f"incentive-policy:{vendor_id}"))))
    return await session.get(VendorPolicyRow, vendor_id, with_for_update=True, populate_existing=True)


async def put_policy(
    session: AsyncSession, vendor_id: str, values: dict[str, Any], if_match: str | None, now: datetime
) -> VendorPolicyRow:
    """Replace the vendor's policy (fields left out go back to their default); If-Match honoured."""
    row = await _lock_vendor_policy(session, vendor_id)
    check_if_match(if_match, row.version if row is not None else 0)
    columns: dict[str, Any] = {name: values.get(name) for name in POLICY_FIELDS}
    if columns["min_roi"] is None:
        columns["min_roi"] = DEFAULT_POLICY.min_roi
    if row is None:
        row = VendorPolicyRow(vendor_id=vendor_id, version=1, updated_at=now, **columns)
    else:
        for name, value in columns.items():
            setattr(row, name, value)
        row.version += 1
        row.updated_at = now
    session.add(row)
    await session.flush()
    return row


async def enrolment(session: AsyncSession, partner_id: str, vendor_id: str) -> EnrolmentRow | None:
    return await session.get(EnrolmentRow, (partner_id, vendor_id))


async def partner_history(session: AsyncSession, partner_id: str, vendor_id: str, currency: str) -> PartnerHistory:
    """The partner's closed deals with the vendor (averages of won amounts in `currency` only)."""
    row = (
        await session.execute(
            text(
                "SELECT count(*), count(*) FILTER (WHERE outcome = 'won'), "
                "avg(amount) FILTER (WHERE outcome = 'won' AND currency = :currency), avg(margin_pct) "
                "FROM deal_closes WHERE partner_id = :partner AND vendor_id = :vendor"
            ),
            {"partner": partner_id, "vendor": vendor_id, "currency": currency},
        )
    ).one()
    closed, won, avg_amount, avg_margin = row
    return PartnerHistory(
        closed=closed,
        won=won,
        avg_won_amount=Decimal(avg_amount).quantize(Decimal("0.01")) if avg_amount is not None else None,
        avg_margin_pct=Decimal(avg_margin).quantize(Decimal("0.0001")) if avg_margin is not None else None,
    )


@dataclass(frozen=True, kw_only=True)
class Proposal:
    """A partner's proposal as the route read it: the program, what was sent, the forecast."""

    partner_id: str
    program: Program
    budget: Decimal | None
    cap_per_deal: Decimal | None
    pay_registration_on_given: str | None
    program_json: dict[str, Any]
    forecast: Forecast
    forecast_json: dict[str, Any]


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


async def propose(session: AsyncSession, proposal: Proposal, now: datetime) -> ProposalRow:
    """Check the proposal against the vendor's policy, judge its ROI, create its program if approved.

    Raises ProposalRefused (nothing stored) when it breaks the policy; OverlappingPrograms
    when approved but the partner already has a program in that time.
    """
    program = proposal.program
    policy_row = await session.get(VendorPolicyRow, program.vendor_id)
    policy = policy_of(policy_row)
    problems = proposal_problems(
        program,
        budget=proposal.budget,
        cap_per_deal=proposal.cap_per_deal,
        pay_registration_on_given=proposal.pay_registration_on_given,
        policy=policy,
        today=now.astimezone(UTC).date(),
    )
    if problems:
        raise ProposalRefused(problems)
    history = await partner_history(session, proposal.partner_id, program.vendor_id, program.currency)
    enrolled = await enrolment(session, proposal.partner_id, program.vendor_id)
    judged = gate_forecast(proposal.forecast, program, policy, history, enrolled.tier if enrolled else None)
    result = simulate(program, judged)
    status = gate_decision(result.roi, policy.min_roi)
    row = ProposalRow(
        id=str(uuid.uuid4()),
        vendor_id=program.vendor_id,
        partner_id=proposal.partner_id,
        program=proposal.program_json,
        forecast=proposal.forecast_json,
        simulation=simulation_json(result),
        gate=_gate_json(judged, history),
        roi=result.roi,
        min_roi=policy.min_roi,
        status=str(status),
        created_at=now,
        version=1,
    )
    if status is not ProposalStatus.PENDING:
        row.decided_at = now
    if status is ProposalStatus.APPROVED:
        created = await insert_program(session, program, budget=proposal.budget, now=now, effective_from=now)
        row.program_id = created.id
    session.add(row)
    await session.flush()
    return row


async def decide(
    session: AsyncSession,
    principal: Principal,
    proposal_id: str,
    decision: str,
    if_match: str | None,
    program: Program | None,
    now: datetime,
) -> ProposalRow:
    """The vendor's decision on a pending proposal; approving creates the partner's program (from now on).

    `program` is the proposal's program as the route rebuilt it (used when approving).
    """
    row = await session.get(ProposalRow, proposal_id, with_for_update=True)
    if row is None or not principal.sees(vendor_id=row.vendor_id, partner_id=row.partner_id):
        raise ProposalNotFound()
    if not principal.acts_for_vendor(row.vendor_id):
        raise NotTheVendor()
    check_if_match(if_match, row.version)
    if row.status != ProposalStatus.PENDING:
        raise AlreadyDecided(row.status)
    if decision == ProposalStatus.APPROVED and program is not None:
        budget = row.program.get("budget")
        created = await insert_program(
            session, program, budget=Decimal(budget) if budget is not None else None, now=now, effective_from=now
        )
        row.program_id = created.id
    row.status = decision
    row.decided_at = now
    row.version += 1
    session.add(row)
    await session.flush()
    return row
