"""The deal vocabulary every service speaks: statuses, stages and event type names, once.

Plain enums (StrEnum: each member is its wire string), no framework. The event data
models in events.schemas and the topic routing in events.topics are built from these.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum


class DealStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CLOSED = "closed"


# Pending or approved: the deal holds its customer and counts as pipeline.
OPEN_STATUSES: frozenset[DealStatus] = frozenset({DealStatus.PENDING_APPROVAL, DealStatus.APPROVED})


class DealStage(StrEnum):
    REGISTERED = "registered"
    QUALIFIED = "qualified"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED_WON = "closed_won"
    CLOSED_LOST = "closed_lost"


# How far along a deal is; both closed stages are the end.
STAGE_RANK: Mapping[DealStage, int] = {
    DealStage.REGISTERED: 0,
    DealStage.QUALIFIED: 1,
    DealStage.PROPOSAL: 2,
    DealStage.NEGOTIATION: 3,
    DealStage.CLOSED_WON: 4,
    DealStage.CLOSED_LOST: 4,
}


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"


class DealEventType(StrEnum):
    """Event types on deals.v1 (the contract's names)."""

    DEAL_REGISTERED = "deal-registered"
    DEAL_APPROVED = "deal-approved"
    DEAL_REJECTED = "deal-rejected"
    STAGE_ADVANCED = "stage-advanced"
    DEAL_CLOSED = "deal-closed"
    DEAL_EXPIRED = "deal-expired"
    DEAL_APPROVAL_OVERDUE = "deal-approval-overdue"
    DEAL_EXTENDED = "deal-extended"


class IncentiveEventType(StrEnum):
    """Event types on incentives.v1."""

    REWARD_EARNED = "reward-earned"
    REWARD_CLAWED_BACK = "reward-clawed-back"
    PAYOUT_CREATED = "payout-created"


class PipelineEventType(StrEnum):
    """Event types on pipeline.v1."""

    PIPELINE_UPDATED = "pipeline-updated"
    PIPELINE_AT_RISK = "pipeline-at-risk"


class PartnerEventType(StrEnum):
    """Event types on partners.v1: a partner's enrolment with one vendor."""

    PARTNER_ENROLLED = "partner-enrolled"
    PARTNER_UPDATED = "partner-updated"


__all__ = [
    "OPEN_STATUSES",
    "STAGE_RANK",
    "DealEventType",
    "DealStage",
    "DealStatus",
    "IncentiveEventType",
    "Outcome",
    "PartnerEventType",
    "PipelineEventType",
]
