"""Per-deal caps and program budgets: how much of a reward may actually be granted."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from servicekit.money import to_cents

_ZERO = Decimal("0.00")


class CutReason(StrEnum):
    CAP_PER_DEAL = "cap_per_deal"
    BUDGET_EXHAUSTED = "budget_exhausted"


class Limited(NamedTuple):
    """What a limit left of a reward: granted + cut == the reward asked for."""

    granted: Decimal
    cut: Decimal
    reason: CutReason | None


def apply_limits(
    intent_amount: Decimal,
    deal_rewarded_so_far: Decimal,
    cap_per_deal: Decimal | None,
    budget_remaining: Decimal,
) -> Limited:
    """Grant as much of a (cents-rounded, non-negative) reward as the cap and budget allow.

    `deal_rewarded_so_far` is the deal's net granted amount; `cap_per_deal` None is no
    cap. A reward that would pass either limit is reduced to what remains (possibly
    zero); the cut names the limit that bound, the per-deal cap when both bind at the
    same amount (it is the more specific reason). Clawbacks never pass through here.
    """
    if intent_amount < 0:
        raise ValueError(f"limits apply to rewards, not reversals: {intent_amount}")
    if intent_amount != to_cents(intent_amount):
        # Rounding happens once, in the rules; an unrounded amount here is a caller's bug.
        raise ValueError(f"reward must already be rounded to cents: {intent_amount}")
    budget_room = max(budget_remaining, _ZERO)
    cap_room = None if cap_per_deal is None else max(cap_per_deal - deal_rewarded_so_far, _ZERO)
    granted = min(intent_amount, budget_room) if cap_room is None else min(intent_amount, cap_room, budget_room)
    if granted == intent_amount:
        return Limited(intent_amount, _ZERO, None)
    reason = CutReason.CAP_PER_DEAL if cap_room == granted else CutReason.BUDGET_EXHAUSTED
    return Limited(granted, intent_amount - granted, reason)
