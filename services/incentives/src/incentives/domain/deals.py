"""What incentives needs to know about a deal: its order of stages for bonuses, and its facts.

The stage and event-type names are the platform's (events.vocabulary); the ORDER a deal
earns through is incentives' own: closed_lost is an end, not a step, so it earns nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from events.schemas import DealEventData
from events.vocabulary import DealStage

# The order a deal moves through; closed_lost is an end, not a step, so it earns nothing.
STAGE_ORDER: tuple[DealStage, ...] = (
    DealStage.REGISTERED,
    DealStage.QUALIFIED,
    DealStage.PROPOSAL,
    DealStage.NEGOTIATION,
    DealStage.CLOSED_WON,
)
# A stage's place in STAGE_ORDER (closed_lost has none: unlike events.vocabulary.STAGE_RANK).
STEP_RANK: Mapping[DealStage, int] = {stage: rank for rank, stage in enumerate(STAGE_ORDER)}

# Stages a program may attach a bonus to; registration has its own reward.
BONUS_STAGES: tuple[DealStage, ...] = STAGE_ORDER[1:]


def stages_reached(stage: DealStage) -> tuple[DealStage, ...]:
    """Every stage up to and including `stage`, in order (skipped stages included)."""
    if stage not in STEP_RANK:
        return ()
    return STAGE_ORDER[: STEP_RANK[stage] + 1]


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
    stage: DealStage
    final_amount: Decimal | None = None

    def __post_init__(self) -> None:
        # A plain string from the edge ("closed_won") becomes a DealStage; an unknown one raises.
        object.__setattr__(self, "stage", DealStage(self.stage))
        if self.margin_amount < 0:
            raise ValueError(f"margin_amount may not be negative: {self.margin_amount}")
        if self.final_amount is not None and self.final_amount < 0:
            raise ValueError(f"final_amount may not be negative: {self.final_amount}")


def deal_facts(deal: DealEventData) -> DealFacts:
    """The facts of a deal event's data (a won close without final_amount is paid on its amount)."""
    return DealFacts(
        deal_id=deal.id,
        vendor_id=deal.vendor_id,
        partner_id=deal.partner_id,
        tier=deal.partner.tier,
        rep_id=deal.rep.id,
        currency=deal.currency,
        margin_amount=deal.margin_amount,
        stage=deal.stage,
        final_amount=deal.final_amount if deal.final_amount is not None else deal.amount,
    )
