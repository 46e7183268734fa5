"""A vendor's pipeline policy: pipeline indexes, stage probabilities, the at-risk threshold.

Defaults are the contract's. Values are fractions ("0.25" = 25 %), not percentages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

# The open stages a deal can be in; closed stages (closed_won/closed_lost) never count as pipeline.
OPEN_STAGES: tuple[str, ...] = ("registered", "qualified", "proposal", "negotiation")

DEFAULT_TOTAL_INDEX = Decimal("2.0")
DEFAULT_RISK_ADJUSTED_INDEX = Decimal("1.0")
DEFAULT_AT_RISK_THRESHOLD = Decimal("0.80")
DEFAULT_STAGE_PROBABILITIES: Mapping[str, Decimal] = {
    "registered": Decimal("0.10"),
    "qualified": Decimal("0.25"),
    "proposal": Decimal("0.50"),
    "negotiation": Decimal("0.75"),
}


@dataclass(frozen=True)
class PolicyProblem:
    """One invalid policy value; `loc` names the field as the API shows it."""

    loc: tuple[str, ...]
    msg: str


class InvalidPolicyError(ValueError):
    """A policy with one or more invalid values; `problems` lists each of them."""

    def __init__(self, problems: list[PolicyProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{'.'.join(p.loc)}: {p.msg}" for p in problems))


def index_problem(name: str, value: Decimal) -> PolicyProblem | None:
    """An index (multiple of plan) must be a finite number >= 0."""
    if not value.is_finite():
        return PolicyProblem((name,), "must be a finite number")
    if value < 0:
        return PolicyProblem((name,), "must be >= 0")
    return None


def probability_problem(loc: tuple[str, ...], value: Decimal) -> PolicyProblem | None:
    """A probability must be a finite number within 0..1 (inclusive)."""
    if not value.is_finite():
        return PolicyProblem(loc, "must be a finite number")
    if not Decimal(0) <= value <= Decimal(1):
        return PolicyProblem(loc, "must be between 0 and 1")
    return None


def policy_problems(
    total_index: Decimal,
    risk_adjusted_index: Decimal,
    stage_probabilities: Mapping[str, Decimal],
    at_risk_threshold: Decimal,
) -> list[PolicyProblem]:
    """Every invalid value of a would-be policy (empty when it is valid)."""
    found: list[PolicyProblem | None] = [
        index_problem("total_index", total_index),
        index_problem("risk_adjusted_index", risk_adjusted_index),
    ]
    for stage, probability in stage_probabilities.items():
        if stage not in OPEN_STAGES:
            found.append(
                PolicyProblem(
                    ("stage_probabilities", stage),
                    f"unknown stage; expected one of {', '.join(OPEN_STAGES)}",
                )
            )
        else:
            found.append(probability_problem(("stage_probabilities", stage), probability))
    # Coverage may legitimately exceed 1, so the threshold is only bounded below.
    if not at_risk_threshold.is_finite():
        found.append(PolicyProblem(("at_risk_threshold",), "must be a finite number"))
    elif at_risk_threshold < 0:
        found.append(PolicyProblem(("at_risk_threshold",), "must be >= 0"))
    return [p for p in found if p is not None]


def _default_stage_probabilities() -> dict[str, Decimal]:
    return dict(DEFAULT_STAGE_PROBABILITIES)


@dataclass(frozen=True)
class PipelinePolicy:
    """A vendor's pipeline policy. Construction validates; stages left out keep their default."""

    total_index: Decimal = DEFAULT_TOTAL_INDEX
    risk_adjusted_index: Decimal = DEFAULT_RISK_ADJUSTED_INDEX
    stage_probabilities: Mapping[str, Decimal] = field(default_factory=_default_stage_probabilities)
    at_risk_threshold: Decimal = DEFAULT_AT_RISK_THRESHOLD

    def __post_init__(self) -> None:
        problems = policy_problems(
            self.total_index, self.risk_adjusted_index, self.stage_probabilities, self.at_risk_threshold
        )
        if problems:
            raise InvalidPolicyError(problems)
        # A vendor tuning one stage should not silently zero the others: merge over the defaults,
        # in stage order, and copy so a caller's dict cannot change the policy afterwards.
        given = self.stage_probabilities
        merged = {stage: given.get(stage, DEFAULT_STAGE_PROBABILITIES[stage]) for stage in OPEN_STAGES}
        object.__setattr__(self, "stage_probabilities", merged)

    def probability_of(self, stage: str) -> Decimal:
        """Win probability of an open deal in `stage`; 0 for a stage the policy does not know."""
        return self.stage_probabilities.get(stage, Decimal(0))
