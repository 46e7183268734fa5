from decimal import Decimal

import pytest

from pipeline.domain.at_risk import at_risk_transition

THRESHOLD = Decimal("0.80")


@pytest.mark.parametrize(
    ("previous", "coverage", "expected_flag", "emit"),
    [
        (False, Decimal("0.7999"), True, True),  # falls below: one event
        (True, Decimal("0.5"), True, False),  # still below: no repeat
        (False, Decimal("0.80"), False, False),  # exactly the threshold is not at risk
        (True, Decimal("0.80"), False, False),  # recovered at the threshold
        (True, Decimal("1.2"), False, False),
        (False, Decimal("0"), True, True),
        (False, None, False, False),  # no plan: not at risk
        (True, None, False, False),  # plan removed: clears the flag
    ],
)
def test_single_transitions(previous: bool, coverage: Decimal | None, expected_flag: bool, emit: bool) -> None:
    assert at_risk_transition(previous, coverage, THRESHOLD) == (expected_flag, emit)


@pytest.mark.parametrize(
    ("coverages", "emitted_at"),
    [
        (["0.9", "0.79", "0.5", "0.79", "0.8", "0.7", None, "0.1"], [1, 5, 7]),
        (["0.5", "0.5", "0.5"], [0]),
        (["0.9", "1.0", "0.85"], []),
        (["0.79", "0.81", "0.79", "0.81", "0.79"], [0, 2, 4]),
        ([None, None, "0.1"], [2]),
    ],
)
def test_one_event_per_fall_below_the_threshold(coverages: list[str | None], emitted_at: list[int]) -> None:
    flag = False
    emitted = []
    for i, coverage in enumerate(coverages):
        flag, emit = at_risk_transition(flag, None if coverage is None else Decimal(coverage), THRESHOLD)
        if emit:
            emitted.append(i)
    assert emitted == emitted_at
