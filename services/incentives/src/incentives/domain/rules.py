"""The reward rules: which rewards a deal event earns under a program, before any limit.

Every reward has a stable `rule_key` ("registration", "stage:qualified", "close",
"clawback"), unique per deal: the caller passes the keys the deal already earned, a key
is never earned twice, and (deal_id, rule_key) is the ledger's uniqueness constraint. That
is what makes a redelivered or repeated event harmless, whatever its event id.

Amounts are rounded half-up to cents here, once per reward; limits come after
(limits.apply_limits) and never round again.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from events.vocabulary import DealEventType, DealStage
from incentives.domain.deals import DealFacts, stages_reached
from incentives.domain.programs import PayRegistrationOn, Program
from servicekit.money import percent_of, to_cents

REGISTRATION_KEY = "registration"
CLOSE_KEY = "close"
CLAWBACK_KEY = "clawback"


def stage_key(stage: DealStage) -> str:
    return f"stage:{stage}"


class RewardKind(StrEnum):
    """The kinds of ledger entries (the contract's `kind`); adjustments are manual, never a rule."""

    REGISTRATION = "registration"
    STAGE_BONUS = "stage_bonus"
    CLOSE_BONUS = "close_bonus"
    CLAWBACK = "clawback"
    ADJUSTMENT = "adjustment"


class CurrencyMismatch(ValueError):
    """The deal's currency is not the program's; there is no conversion, so nothing is earned."""


@dataclass(frozen=True)
class RewardIntent:
    """A reward a rule grants, before limits: positive, or negative for a clawback."""

    rule_key: str
    kind: RewardKind
    amount: Decimal
    stage: DealStage | None = None


def registration_reward(program: Program, deal: DealFacts) -> Decimal:
    """margin_amount x registration_reward_pct / 100 x tier multiplier, half-up to cents."""
    return to_cents(percent_of(deal.margin_amount, program.registration_reward_pct) * program.multiplier(deal.tier))


def stage_bonus(program: Program, stage: DealStage, tier: int) -> Decimal:
    """The stage's bonus x tier multiplier, half-up to cents (zero for a stage without bonus)."""
    return to_cents(program.stage_bonuses.get(stage, Decimal(0)) * program.multiplier(tier))


def close_bonus(program: Program, deal: DealFacts) -> Decimal:
    """final_amount x close_won_pct / 100 x tier multiplier, half-up to cents."""
    if deal.final_amount is None:
        raise ValueError(f"deal {deal.deal_id} closed won without a final_amount")
    return to_cents(percent_of(deal.final_amount, program.close_won_pct) * program.multiplier(deal.tier))


def _stage_intents(program: Program, deal: DealFacts, earned: Set[str]) -> list[RewardIntent]:
    # Every bonus stage up to the one reached, lowest first, so a cap cuts the later ones.
    return [
        RewardIntent(stage_key(stage), RewardKind.STAGE_BONUS, stage_bonus(program, stage, deal.tier), stage)
        for stage in stages_reached(deal.stage)
        if stage in program.stage_bonuses and stage_key(stage) not in earned
    ]


def _pays_registration_on(program: Program, event_type: DealEventType) -> bool:
    if program.pay_registration_on == PayRegistrationOn.REGISTERED:
        return event_type == DealEventType.DEAL_REGISTERED
    return event_type == DealEventType.DEAL_APPROVED


def reward_intents(
    program: Program,
    event_type: DealEventType,
    deal: DealFacts,
    earned_keys: Set[str],
    net_earned: Decimal,
) -> list[RewardIntent]:
    """The rewards `event_type` earns the deal, in the order they are to be granted.

    - deal-registered (or deal-approved, per pay_registration_on): the registration reward;
    - stage-advanced: a bonus for every bonus stage up to the deal's new stage, skipped
      ones included, each once per deal;
    - deal-closed won: the skipped stage bonuses, then the close bonus; lost earns nothing;
    - deal-rejected with clawback_on_reject: one negative intent of `net_earned` (the
      deal's net granted so far, after limits), so the deal nets to zero.
    A clawed-back deal earns nothing more. Zero amounts are not intents: nothing earned.
    """
    if CLAWBACK_KEY in earned_keys:
        return []
    if deal.currency != program.currency:
        raise CurrencyMismatch(
            f"deal {deal.deal_id} is in {deal.currency}, program {program.id} pays in {program.currency}"
        )
    intents: list[RewardIntent] = []
    if _pays_registration_on(program, event_type) and REGISTRATION_KEY not in earned_keys:
        intents.append(RewardIntent(REGISTRATION_KEY, RewardKind.REGISTRATION, registration_reward(program, deal)))
    elif event_type == DealEventType.STAGE_ADVANCED:
        intents += _stage_intents(program, deal, earned_keys)
    elif event_type == DealEventType.DEAL_CLOSED and deal.stage == DealStage.CLOSED_WON:
        intents += _stage_intents(program, deal, earned_keys)
        if CLOSE_KEY not in earned_keys:
            intents.append(RewardIntent(CLOSE_KEY, RewardKind.CLOSE_BONUS, close_bonus(program, deal)))
    elif event_type == DealEventType.DEAL_REJECTED and program.clawback_on_reject and net_earned > 0:
        intents.append(RewardIntent(CLAWBACK_KEY, RewardKind.CLAWBACK, -net_earned))
    return [intent for intent in intents if intent.amount != 0]
