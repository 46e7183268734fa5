"""A vendor's incentive policy and the rules a partner's own program proposal must meet.

A proposal is the partner asking to be paid: nothing in it is taken on its word. It must
carry a budget and a cap per deal, start today or later (UTC), stay within each of the
vendor's ceilings, pay registration only on approval and claw back on rejection. Its ROI
is then simulated on a forecast where win rate, average deal amount and margin are each
the lowest of the partner's forecast, the vendor's assumption and (with HISTORY_MIN_CLOSED
or more closed deals) the partner's own history; every open stage is assumed reached
(stage bonuses counted in full) and every deal at the partner's own tier, or, unknown,
the tier whose multiplier is highest. Approved at once when that ROI meets min_roi,
rejected at once when it is negative (the program would cost more than all the revenue
it could bring), pending the vendor's decision otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from events.vocabulary import DealStage
from incentives.domain.programs import PayRegistrationOn, Program
from incentives.domain.simulation import Forecast, ProposalStatus

HISTORY_MIN_CLOSED = 10
_ZERO = Decimal(0)


@dataclass(frozen=True, kw_only=True)
class IncentivePolicy:
    """Ceilings and assumptions; the defaults are what a vendor without a policy gets (conservative).

    Amounts are in the proposal's currency. Rates are fractions, percentages percents.
    """

    min_roi: Decimal = Decimal("3")
    max_registration_reward_pct: Decimal = Decimal("10")
    max_tier_multiplier: Decimal = Decimal("1.5")
    max_budget: Decimal = Decimal("50000.00")
    max_cap_per_deal: Decimal = Decimal("2500.00")
    assumed_win_rate: Decimal = Decimal("0.2")
    assumed_avg_deal_amount: Decimal = Decimal("10000.00")
    assumed_margin_pct: Decimal = Decimal("20")


DEFAULT_POLICY = IncentivePolicy()
POLICY_FIELDS: tuple[str, ...] = tuple(IncentivePolicy.__dataclass_fields__)


@dataclass(frozen=True, kw_only=True)
class PartnerHistory:
    """The partner's closed deals with the vendor: how many, how many won, their averages."""

    closed: int = 0
    won: int = 0
    avg_won_amount: Decimal | None = None
    avg_margin_pct: Decimal | None = None

    @property
    def counts(self) -> bool:
        return self.closed >= HISTORY_MIN_CLOSED

    @property
    def win_rate(self) -> Decimal:
        return (Decimal(self.won) / Decimal(self.closed)).quantize(Decimal("0.0001")) if self.closed else _ZERO


@dataclass(frozen=True)
class ProposalProblem:
    """A broken rule: the program field it is about, and why."""

    field: str
    message: str


def proposal_problems(
    program: Program,
    *,
    budget: Decimal | None,
    cap_per_deal: Decimal | None,
    pay_registration_on_given: str | None,
    policy: IncentivePolicy,
    today: date,
) -> list[ProposalProblem]:
    """Every rule of the policy the proposed program breaks (empty: within bounds).

    `budget` and `cap_per_deal` are as proposed (None: missing); `pay_registration_on_given`
    is what the partner sent, None when it left it out (then it is set to approved).
    """
    problems: list[ProposalProblem] = []
    if budget is None:
        problems.append(ProposalProblem("budget", "a proposal must carry a budget"))
    elif budget > policy.max_budget:
        problems.append(ProposalProblem("budget", f"budget may be at most {policy.max_budget}, got {budget}"))
    if cap_per_deal is None:
        problems.append(ProposalProblem("cap_per_deal", "a proposal must carry a cap_per_deal"))
    elif cap_per_deal > policy.max_cap_per_deal:
        problems.append(
            ProposalProblem(
                "cap_per_deal", f"cap_per_deal may be at most {policy.max_cap_per_deal}, got {cap_per_deal}"
            )
        )
    if program.starts_on < today:
        problems.append(ProposalProblem("starts_on", f"a proposal starts today ({today}) or later"))
    if program.registration_reward_pct > policy.max_registration_reward_pct:
        problems.append(
            ProposalProblem(
                "registration_reward_pct",
                f"registration_reward_pct may be at most {policy.max_registration_reward_pct}, "
                f"got {program.registration_reward_pct}",
            )
        )
    too_high = sorted(t for t, m in program.tier_multipliers.items() if m > policy.max_tier_multiplier)
    if too_high:
        problems.append(
            ProposalProblem(
                "tier_multipliers",
                f"tier multipliers may be at most {policy.max_tier_multiplier} (tiers {too_high} are above)",
            )
        )
    if pay_registration_on_given not in (None, PayRegistrationOn.APPROVED):
        problems.append(ProposalProblem("pay_registration_on", "a proposal pays registration on approval only"))
    if not program.clawback_on_reject:
        problems.append(ProposalProblem("clawback_on_reject", "a proposal claws back on rejection"))
    return problems


def _lowest(*values: Decimal | None) -> Decimal:
    return min(v for v in values if v is not None)


def gate_forecast(
    forecast: Forecast, program: Program, policy: IncentivePolicy, history: PartnerHistory, tier: int | None
) -> Forecast:
    """The forecast the ROI gate judges on: the partner's numbers only where they are the lowest."""
    counted = history if history.counts else PartnerHistory()
    if tier is None or tier not in program.tier_multipliers:
        tier = max(program.tier_multipliers, key=lambda t: (program.tier_multipliers[t], t))
    return replace(
        forecast,
        win_rate=_lowest(forecast.win_rate, policy.assumed_win_rate, counted.win_rate if counted.closed else None),
        avg_deal_amount=_lowest(forecast.avg_deal_amount, policy.assumed_avg_deal_amount, counted.avg_won_amount),
        avg_margin_pct=_lowest(forecast.avg_margin_pct, policy.assumed_margin_pct, counted.avg_margin_pct),
        stage_reach_rates=dict.fromkeys((DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION), Decimal(1)),
        tier_mix={tier: Decimal(1)},
    )


def gate_decision(roi: Decimal | None, min_roi: Decimal) -> ProposalStatus:
    """Approved when the ROI meets min_roi, rejected when negative, else (or undefined) pending."""
    if roi is None:
        return ProposalStatus.PENDING
    if roi >= min_roi:
        return ProposalStatus.APPROVED
    return ProposalStatus.REJECTED if roi < 0 else ProposalStatus.PENDING
