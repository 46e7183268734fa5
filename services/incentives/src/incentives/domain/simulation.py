"""Program simulation for build-your-own incentives: a forecast in, expected payout and ROI out.

ROI is defined as **(revenue - payout) / payout**: the won revenue the program brings per
unit of incentive paid, net of that payout (ROI 3 means every 1.00 paid returns 3.00 of
revenue beyond itself). The forecast's revenue is taken as the program's doing, since a
forecast cannot tell incremental revenue apart. `avg_margin_pct` is deliberately not part
of ROI: it is the partner's margin on the deal (the base of the registration reward, as
dealreg's margin_amount), not the vendor's profit, so weighing revenue by it would measure
the partner's gain against the vendor's spend. ROI is undefined (None) when nothing is paid.

The model, per registered deal of average size: a deal ends at its furthest stage or won.
P(won) = win_rate. A bonus stage is earned by every deal that reaches it or any later stage,
winners included (skipped stages pay), so its effective reach is the largest of its own
rate, every later stage's rate and win_rate. Each outcome's rewards are computed with the
real rules (so rounding matches), capped at cap_per_deal per deal, and weighed by the tier
mix; the total is then held to the budget. Every registration is assumed approved.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from events.vocabulary import DealStage
from incentives.domain.deals import DealFacts, stages_reached
from incentives.domain.programs import TIERS, Program
from incentives.domain.rules import close_bonus, registration_reward, stage_bonus
from servicekit.money import percent_of, to_cents

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
_MIX_TOLERANCE = Decimal("0.001")
# Stages a deal passes between registration and close, whose reach a forecast may give.
_OPEN_STAGES: tuple[DealStage, ...] = (DealStage.QUALIFIED, DealStage.PROPOSAL, DealStage.NEGOTIATION)


class InvalidForecast(ValueError):
    """A forecast that cannot be simulated; `problems` lists every one found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class ProposalStatus(StrEnum):
    """Where a partner's program proposal stands (domain.policy judges it)."""

    APPROVED = "approved"
    PENDING = "pending"
    REJECTED = "rejected"


@dataclass(frozen=True, kw_only=True)
class Forecast:
    """Rates and shares are fractions (0.3 = 30 %); avg_margin_pct is a percent (25 = 25 %).

    stage_reach_rates: share of registered deals reaching qualified / proposal /
    negotiation (a stage left out is reached by the winners only). tier_mix: share of
    registrations per partner tier, summing to 1 (within 0.001; normalised).
    """

    expected_registrations: int
    win_rate: Decimal
    avg_deal_amount: Decimal
    avg_margin_pct: Decimal
    stage_reach_rates: Mapping[DealStage, Decimal] = field(default_factory=dict)
    tier_mix: Mapping[int, Decimal] = field(default_factory=lambda: {1: _ONE})

    def __post_init__(self) -> None:
        problems = forecast_problems(self)
        if problems:
            raise InvalidForecast(problems)
        object.__setattr__(
            self, "stage_reach_rates", {DealStage(stage): rate for stage, rate in self.stage_reach_rates.items()}
        )


def _is_fraction(value: Decimal) -> bool:
    return value.is_finite() and _ZERO <= value <= _ONE


def forecast_problems(forecast: Forecast) -> list[str]:
    """Every reason the forecast cannot be simulated, as messages fit for a 422."""
    problems: list[str] = []
    if forecast.expected_registrations < 0:
        problems.append("expected_registrations may not be negative")
    if not _is_fraction(forecast.win_rate):
        problems.append(f"win_rate must be between 0 and 1, got {forecast.win_rate}")
    if not forecast.avg_deal_amount.is_finite() or forecast.avg_deal_amount < 0:
        problems.append(f"avg_deal_amount may not be negative, got {forecast.avg_deal_amount}")
    if not forecast.avg_margin_pct.is_finite() or not _ZERO <= forecast.avg_margin_pct <= _HUNDRED:
        problems.append(f"avg_margin_pct must be between 0 and 100, got {forecast.avg_margin_pct}")
    for stage, rate in forecast.stage_reach_rates.items():
        if stage not in {str(s) for s in _OPEN_STAGES}:
            problems.append(f"stage_reach_rates: unknown stage {stage!r} (allowed: {', '.join(_OPEN_STAGES)})")
        if not _is_fraction(rate):
            problems.append(f"stage_reach_rates[{stage}] must be between 0 and 1, got {rate}")
    if not forecast.tier_mix:
        problems.append("tier_mix needs at least one tier")
    for tier, share in forecast.tier_mix.items():
        if tier not in TIERS:
            problems.append(f"tier_mix: unknown tier {tier!r} (allowed: 1, 2, 3)")
        if not _is_fraction(share):
            problems.append(f"tier_mix[{tier}] must be between 0 and 1, got {share}")
    if forecast.tier_mix and all(s.is_finite() for s in forecast.tier_mix.values()):
        total = sum(forecast.tier_mix.values(), _ZERO)
        if abs(total - _ONE) > _MIX_TOLERANCE:
            problems.append(f"tier_mix shares must sum to 1, got {total}")
    return problems


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    """Expected figures; `payout_before_budget` shows what the budget cut, if anything."""

    expected_registrations: int
    expected_wins: Decimal
    expected_revenue: Decimal
    payout_before_budget: Decimal
    expected_payout: Decimal
    budget_limited: bool
    roi: Decimal | None


def _effective_reach(forecast: Forecast) -> dict[DealStage, Decimal]:
    # Reaching a later stage (or winning) earns the earlier bonuses too, so reach never
    # falls below anything later: a suffix maximum, floored at the win rate.
    reach: dict[DealStage, Decimal] = {}
    floor = forecast.win_rate
    for stage in reversed(_OPEN_STAGES):
        floor = max(floor, forecast.stage_reach_rates.get(stage, _ZERO))
        reach[stage] = floor
    return reach


def _outcomes(forecast: Forecast) -> list[tuple[DealStage, Decimal]]:
    """(furthest stage, probability) over every way a deal can end; probabilities sum to 1."""
    reach = _effective_reach(forecast)
    ladder = [(DealStage.REGISTERED, _ONE)] + [(stage, reach[stage]) for stage in _OPEN_STAGES]
    following = [*ladder[1:], (DealStage.CLOSED_WON, forecast.win_rate)]
    outcomes = [(stage, p_here - p_next) for (stage, p_here), (_, p_next) in zip(ladder, following, strict=True)]
    outcomes.append((DealStage.CLOSED_WON, forecast.win_rate))
    return [(stage, p) for stage, p in outcomes if p > 0]


def _deal_reward(program: Program, deal: DealFacts, furthest: DealStage) -> Decimal:
    """What one deal ending at `furthest` is granted, after cap_per_deal."""
    total = registration_reward(program, deal)
    total += sum(
        (stage_bonus(program, s, deal.tier) for s in stages_reached(furthest) if s in program.stage_bonuses),
        _ZERO,
    )
    if furthest is DealStage.CLOSED_WON:
        total += close_bonus(program, deal)
    return total if program.cap_per_deal is None else min(total, program.cap_per_deal)


def expected_payout_per_registration(program: Program, forecast: Forecast) -> Decimal:
    """The expected reward of one registered deal (unrounded), over outcomes and tiers."""
    mix_total = sum(forecast.tier_mix.values(), _ZERO)
    margin = to_cents(percent_of(forecast.avg_deal_amount, forecast.avg_margin_pct))
    expected = _ZERO
    for tier, share in forecast.tier_mix.items():
        deal = DealFacts(
            deal_id="forecast",
            vendor_id=program.vendor_id,
            partner_id="forecast",
            tier=tier,
            rep_id="forecast",
            currency=program.currency,
            margin_amount=margin,
            stage=DealStage.REGISTERED,
            final_amount=forecast.avg_deal_amount,
        )
        for furthest, probability in _outcomes(forecast):
            expected += share / mix_total * probability * _deal_reward(program, deal, furthest)
    return expected


def roi(revenue: Decimal, payout: Decimal) -> Decimal | None:
    """(revenue - payout) / payout to four places, half-up; None when nothing is paid."""
    if payout <= 0:
        return None
    return ((revenue - payout) / payout).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def simulate(program: Program, forecast: Forecast) -> SimulationResult:
    """Expected registrations, wins, revenue, payout (cap and budget held) and ROI."""
    registrations = Decimal(forecast.expected_registrations)
    wins = registrations * forecast.win_rate
    revenue = to_cents(wins * forecast.avg_deal_amount)
    uncapped = to_cents(registrations * expected_payout_per_registration(program, forecast))
    payout = min(uncapped, program.budget)
    return SimulationResult(
        expected_registrations=forecast.expected_registrations,
        expected_wins=wins.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP),
        expected_revenue=revenue,
        payout_before_budget=uncapped,
        expected_payout=payout,
        budget_limited=uncapped > program.budget,
        roi=roi(revenue, payout),
    )


def proposal_decision(roi_value: Decimal | None, min_roi: Decimal) -> ProposalStatus:
    """Approved at once when the simulated ROI meets the vendor's minimum; else pending.

    An undefined ROI (nothing paid) meets nothing: the vendor decides.
    """
    if roi_value is not None and roi_value >= min_roi:
        return ProposalStatus.APPROVED
    return ProposalStatus.PENDING
