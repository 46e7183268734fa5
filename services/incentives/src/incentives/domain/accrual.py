"""One deal event in, the rewards it grants out: the rules, then the limits, in order.

This is the consumer's whole decision, free of storage: the service loads the deal's
reward state and the program's remaining budget (under a lock, so two consumers cannot
both spend the same remainder), calls accrue_event, and books each accrual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from events.vocabulary import DealEventType, DealStage
from incentives.domain.deals import DealFacts
from incentives.domain.limits import CutReason, apply_limits
from incentives.domain.programs import Program
from incentives.domain.rules import RewardKind, reward_intents

_ZERO = Decimal("0.00")


@dataclass(frozen=True)
class DealRewardState:
    """What a deal has earned so far: the rule keys it used and its net granted amount."""

    earned_keys: frozenset[str] = field(default_factory=frozenset)
    net_granted: Decimal = _ZERO

    def after(self, accruals: Iterable[Accrual]) -> DealRewardState:
        keys = set(self.earned_keys)
        net = self.net_granted
        for accrual in accruals:
            keys.add(accrual.rule_key)
            net += accrual.granted
        return DealRewardState(frozenset(keys), net)


@dataclass(frozen=True)
class Accrual:
    """One rule's outcome: asked for `requested`, granted `granted`, `cut` lost to `cut_reason`.

    A rule cut to zero still counts as earned (its key is used): the deal does not earn
    it again if budget frees up later. `granted` is negative for a clawback.
    """

    rule_key: str
    kind: RewardKind
    stage: DealStage | None
    requested: Decimal
    granted: Decimal
    cut: Decimal = _ZERO
    cut_reason: CutReason | None = None


def accrue_event(
    program: Program,
    event_type: DealEventType,
    deal: DealFacts,
    state: DealRewardState,
    budget_remaining: Decimal,
) -> list[Accrual]:
    """The accruals one event earns, each limited by what the ones before it left.

    Clawbacks are granted in full: they return money to the budget, never take it.
    """
    accruals: list[Accrual] = []
    rewarded = state.net_granted
    remaining = budget_remaining
    for intent in reward_intents(program, event_type, deal, state.earned_keys, state.net_granted):
        if intent.amount < 0:
            accruals.append(Accrual(intent.rule_key, intent.kind, intent.stage, intent.amount, intent.amount))
        else:
            granted, cut, reason = apply_limits(intent.amount, rewarded, program.cap_per_deal, remaining)
            accruals.append(Accrual(intent.rule_key, intent.kind, intent.stage, intent.amount, granted, cut, reason))
        rewarded += accruals[-1].granted
        remaining -= accruals[-1].granted
    return accruals
