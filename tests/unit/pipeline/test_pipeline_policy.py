from decimal import Decimal

import pytest

from pipeline.domain.policy import InvalidPolicyError, PipelinePolicy

D = Decimal


def test_defaults_are_the_contracts() -> None:
    policy = PipelinePolicy()
    assert policy.total_index == D("2.0")
    assert policy.risk_adjusted_index == D("1.0")
    assert policy.at_risk_threshold == D("0.80")
    assert dict(policy.stage_probabilities) == {
        "registered": D("0.10"),
        "qualified": D("0.25"),
        "proposal": D("0.50"),
        "negotiation": D("0.75"),
    }


def test_stages_left_out_keep_their_default() -> None:
    policy = PipelinePolicy(stage_probabilities={"proposal": D("0.6")})
    assert policy.probability_of("proposal") == D("0.6")
    assert policy.probability_of("registered") == D("0.10")
    assert policy.probability_of("negotiation") == D("0.75")


def test_a_callers_dict_changed_later_does_not_change_the_policy() -> None:
    given = {"qualified": D("0.3")}
    policy = PipelinePolicy(stage_probabilities=given)
    given["qualified"] = D("0.9")
    assert policy.probability_of("qualified") == D("0.3")


@pytest.mark.parametrize("stage", ["closed_won", "closed_lost", "nonsense"])
def test_probability_of_a_stage_that_is_not_pipeline_is_zero(stage: str) -> None:
    assert PipelinePolicy().probability_of(stage) == D(0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"total_index": D(0)},
        {"risk_adjusted_index": D(0)},
        {"total_index": D("10.5")},
        {"stage_probabilities": {"registered": D(0), "negotiation": D(1)}},
        {"at_risk_threshold": D(0)},
        {"at_risk_threshold": D("1.5")},  # coverage may exceed 1, so may the threshold
    ],
)
def test_boundary_values_are_accepted(kwargs: dict[str, object]) -> None:
    PipelinePolicy(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "loc"),
    [
        ({"total_index": D("-0.1")}, ("total_index",)),
        ({"risk_adjusted_index": D("-1")}, ("risk_adjusted_index",)),
        ({"total_index": D("NaN")}, ("total_index",)),
        ({"risk_adjusted_index": D("Infinity")}, ("risk_adjusted_index",)),
        ({"stage_probabilities": {"qualified": D("1.01")}}, ("stage_probabilities", "qualified")),
        ({"stage_probabilities": {"proposal": D("-0.01")}}, ("stage_probabilities", "proposal")),
        ({"stage_probabilities": {"proposal": D("NaN")}}, ("stage_probabilities", "proposal")),
        ({"stage_probabilities": {"closed_won": D("1")}}, ("stage_probabilities", "closed_won")),
        ({"at_risk_threshold": D("-0.01")}, ("at_risk_threshold",)),
        ({"at_risk_threshold": D("sNaN")}, ("at_risk_threshold",)),
    ],
)
def test_invalid_values_are_refused_naming_the_field(kwargs: dict[str, object], loc: tuple[str, ...]) -> None:
    with pytest.raises(InvalidPolicyError) as caught:
        PipelinePolicy(**kwargs)  # type: ignore[arg-type]
    assert [p.loc for p in caught.value.problems] == [loc]
    assert isinstance(caught.value, ValueError)


def test_every_invalid_value_is_reported_at_once() -> None:
    with pytest.raises(InvalidPolicyError) as caught:
        PipelinePolicy(
            total_index=D(-1),
            risk_adjusted_index=D(-1),
            stage_probabilities={"registered": D(2)},
            at_risk_threshold=D(-1),
        )
    assert {p.loc for p in caught.value.problems} == {
        ("total_index",),
        ("risk_adjusted_index",),
        ("stage_probabilities", "registered"),
        ("at_risk_threshold",),
    }
