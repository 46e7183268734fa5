"""What incentives needs to know about a deal: its stages, the deals.v1 event types, its facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Stage(StrEnum):
    REGISTERED = "registered"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"


# The order a deal moves through; closed_lost is an end, not a step, so it earns nothing.
STAGE_ORDER: tuple[Stage, ...] = (
    Stage.REGISTERED,
    Stage.QUALIFIED,
    Stage.PROPOSAL,
    Stage.NEGOTIATION,
    Stage.CLOSED_WON,
)
STAGE_RANK: Mapping[Stage, int] = {stage: rank for rank, stage in enumerate(STAGE_ORDER)}

# Stages a program may attach a bonus to; registration has its own reward.
BONUS_STAGES: tuple[Stage, ...] = STAGE_ORDER[1:]


def stages_reached(stage: Stage) -> tuple[Stage, ...]:
    """Every stage up to and including `stage`, in order (skipped stages included)."""
    if stage not in STAGE_RANK:
        return ()
    return STAGE_ORDER[: STAGE_RANK[stage] + 1]


class DealEventType(StrEnum):
    """Every type on deals.v1; only some of them earn (see rules.reward_intents)."""

    DEAL_REGISTERED = "deal-registered"
    DEAL_APPROVED = "deal-approved"
    DEAL_REJECTED = "deal-rejected"
    STAGE_ADVANCED = "stage-advanced"
    DEAL_CLOSED = "deal-closed"
    DEAL_EXPIRED = "deal-expired"
    DEAL_APPROVAL_OVERDUE = "deal-approval-overdue"
    DEAL_EXTENDED = "deal-extended"


@dataclass(frozen=True, kw_only=True)
class DealFacts:
    """The deal as the event carries it, at the moment of the event.

    `stage` is the deal's stage after the event: the new stage of a stage-advanced,
    closed_won or closed_lost on a deal-closed. `final_amount` is set once the deal closed.
    """

    deal_id: str
    vendor_id: str
    partner_id: str
    tier: int
    rep_id: str
    currency: str
    margin_amount: Decimal
    stage: Stage
    final_amount: Decimal | None = None

    def __post_init__(self) -> None:
        # A plain string from the edge ("closed_won") becomes a Stage; an unknown one raises.
        object.__setattr__(self, "stage", Stage(self.stage))
        if self.margin_amount < 0:
            raise ValueError(f"margin_amount may not be negative: {self.margin_amount}")
        if self.final_amount is not None and self.final_amount < 0:
            raise ValueError(f"final_amount may not be negative: {self.final_amount}")
