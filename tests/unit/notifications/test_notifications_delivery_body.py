"""What body a subscriber receives: the stored CloudEvent, minus fields its role may not see."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from events.envelope import new_event
from notifications.adapters.tables import SubscriptionRow
from notifications.service.delivery import body_for

NOW = datetime(2026, 11, 22, tzinfo=UTC)
EVENT = new_event(
    event_type="deal-registered",
    service="dealreg",
    subject="d-1",
    data={"id": "d-1", "vendor_id": "v-1", "partner_id": "p-1", "conflicting_deal_ids": ["d-9"]},
    event_id="e-1",
    time=NOW,
)


def subscription(role: str) -> SubscriptionRow:
    return SubscriptionRow(
        id="s-1",
        owner_key=f"{role}:x",
        owner_role=role,
        owner_vendor_id="v-1" if role == "vendor" else None,
        owner_partner_id="p-1" if role == "partner" else None,
        owner_partner_ids=["p-1"] if role == "aggregator" else [],
        url="https://93.184.215.14/",
        event_types=["deal-registered"],
        secret="whsec_x",
        status="active",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )


@pytest.mark.parametrize(
    ("role", "sees_conflicts"), [("vendor", True), ("admin", True), ("partner", False), ("aggregator", False)]
)
def test_only_vendors_and_admins_see_other_partners_deal_ids(role: str, sees_conflicts: bool) -> None:
    stored = EVENT.to_json()
    body = json.loads(body_for(role, stored, subscription(role)))
    assert ("conflicting_deal_ids" in body["data"]) is sees_conflicts
    assert {k: v for k, v in body.items() if k != "data"} == {
        k: v for k, v in json.loads(stored).items() if k != "data"
    }


def test_vendors_get_the_stored_bytes_unchanged() -> None:
    stored = EVENT.to_json()
    assert body_for("vendor", stored, subscription("vendor")) is stored
