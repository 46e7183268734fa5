from decimal import Decimal

import pytest

from pipeline.domain.lead_waterfall import WaterfallInputError, lead_waterfall

D = Decimal


@pytest.mark.parametrize(
    ("target", "size", "win", "l2o", "existing", "remaining", "deals", "opps", "leads"),
    [
        ("100000", "10000", "0.25", "0.10", "0", "100000.00", 10, 40, 400),
        # one cent over needs one more whole deal, and so on down the waterfall
        ("100000.01", "10000", "0.25", "0.10", "0", "100000.01", 11, 44, 440),
        # 10 / 0.3 = 33.3 -> 34 opportunities; 34 / 0.15 = 226.7 -> 227 leads
        ("100000", "10000", "0.3", "0.15", "0", "100000.00", 10, 34, 227),
        ("99999", "10000", "0.3", "0.15", "0", "99999.00", 10, 34, 227),
        ("1", "10000", "0.5", "0.5", "0", "1.00", 1, 2, 4),
        ("50000", "12500", "1", "1", "0", "50000.00", 4, 4, 4),
        ("0", "10000", "0.25", "0.10", "0", "0.00", 0, 0, 0),
        # open pipeline of 200k closes at 25 %: 50k of the 100k target is expected from it
        ("100000", "10000", "0.25", "0.10", "200000", "50000.00", 5, 20, 200),
        # more pipeline than needed: nothing left to generate
        ("100000", "10000", "0.25", "0.10", "500000", "0.00", 0, 0, 0),
    ],
)
def test_waterfall_rounds_every_count_up(
    target: str,
    size: str,
    win: str,
    l2o: str,
    existing: str,
    remaining: str,
    deals: int,
    opps: int,
    leads: int,
) -> None:
    result = lead_waterfall(D(target), D(size), D(win), D(l2o), existing_pipeline=D(existing))
    assert result.remaining_revenue == D(remaining)
    assert (result.deals_needed, result.opportunities_needed, result.leads_needed) == (deals, opps, leads)


def test_existing_pipeline_defaults_to_none() -> None:
    assert lead_waterfall(D(100000), D(10000), D("0.25"), D("0.1")).leads_needed == 400


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"win_rate": D(0)}, "win_rate"),
        ({"win_rate": D("1.01")}, "win_rate"),
        ({"win_rate": D("-0.2")}, "win_rate"),
        ({"win_rate": D("NaN")}, "win_rate"),
        ({"lead_to_opportunity_rate": D(0)}, "lead_to_opportunity_rate"),
        ({"lead_to_opportunity_rate": D(25)}, "lead_to_opportunity_rate"),
        ({"avg_deal_size": D(0)}, "avg_deal_size"),
        ({"avg_deal_size": D(-5)}, "avg_deal_size"),
        ({"revenue_target": D("-1")}, "revenue_target"),
        ({"revenue_target": D("Infinity")}, "revenue_target"),
        ({"existing_pipeline": D("-0.01")}, "existing_pipeline"),
    ],
)
def test_invalid_inputs_are_refused_naming_the_field(kwargs: dict[str, Decimal], field: str) -> None:
    inputs = {
        "revenue_target": D(100000),
        "avg_deal_size": D(10000),
        "win_rate": D("0.25"),
        "lead_to_opportunity_rate": D("0.1"),
    } | kwargs
    with pytest.raises(WaterfallInputError) as caught:
        lead_waterfall(**inputs)
    assert caught.value.field == field
    assert str(caught.value).startswith(f"{field}: must")
    assert isinstance(caught.value, ValueError)
