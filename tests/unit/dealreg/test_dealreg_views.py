"""Edge formatting without I/O: ISO 8601 durations, and the deal JSON seen by each role."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dealreg_factories import deal

from dealreg.service.views import deal_json, iso_duration
from events.vocabulary import DealStage, DealStatus
from servicekit.principal import Principal, Role


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (timedelta(hours=48), "hours", "PT48H"),
        (timedelta(hours=96), "hours", "PT96H"),
        (timedelta(days=90), "days", "P90D"),
        (timedelta(days=30), "days", "P30D"),
        (timedelta(seconds=1), "hours", "PT1S"),
        (timedelta(days=1, hours=2), "days", "P1DT2H"),
        (timedelta(minutes=90), "hours", "PT1H30M"),
        (timedelta(milliseconds=1500), "days", "PT1.5S"),
    ],
)
def test_iso_duration(value: timedelta, unit: str, text: str) -> None:
    assert iso_duration(value, unit=unit) == text


def test_conflicting_ids_are_shown_to_the_vendor_and_hidden_from_partners() -> None:
    d = deal(conflict=True, conflict_reasons=("same_customer_domain",), conflicting_deal_ids=("d-0",))
    vendor = Principal(role=Role.VENDOR, sub="v", vendor_id="acme")
    partner = Principal(role=Role.PARTNER, sub="r", partner_id="p-100")
    assert deal_json(d, vendor)["conflicting_deal_ids"] == ["d-0"]
    assert "conflicting_deal_ids" not in deal_json(d, partner)
    assert deal_json(d, partner)["conflict_reasons"] == ["same_customer_domain"]


def test_money_is_a_two_place_string_and_outcome_follows_the_stage() -> None:
    body = deal_json(deal(DealStatus.CLOSED, DealStage.CLOSED_WON), None)
    assert (body["amount"], body["margin_amount"], body["margin_pct"]) == ("12000.00", "3000.00", "25")
    assert body["outcome"] == "won"
    assert body["created_at"].endswith("Z")
