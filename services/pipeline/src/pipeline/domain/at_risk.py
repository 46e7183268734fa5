"""The pipeline-at-risk hysteresis: one event per fall below the threshold.

A partner is at risk while coverage < threshold. The event fires on the transition into that
state only; it can fire again only after coverage has recovered (>= threshold). Without a plan
coverage is None, which is not at risk (and counts as a recovery).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple


class AtRiskTransition(NamedTuple):
    at_risk: bool  # the flag to store
    emit_event: bool  # publish one pipeline-at-risk event now


def at_risk_transition(previous_flag: bool, coverage: Decimal | None, threshold: Decimal) -> AtRiskTransition:
    """The new at-risk flag, and whether this change warrants a pipeline-at-risk event."""
    at_risk = coverage is not None and coverage < threshold
    return AtRiskTransition(at_risk=at_risk, emit_event=at_risk and not previous_flag)
