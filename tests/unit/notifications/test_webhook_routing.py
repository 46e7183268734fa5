from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import pytest

from notifications.domain.routing import (
    KNOWN_EVENT_TYPES,
    OwnerRole,
    SubscriptionOwner,
    may_see,
    receives,
    recipients,
    tenancy_of,
    unknown_event_types,
    visible_data,
)

ACME = SubscriptionOwner(OwnerRole.VENDOR, vendor_id="acme")
INITECH = SubscriptionOwner(OwnerRole.VENDOR, vendor_id="initech")
P100 = SubscriptionOwner(OwnerRole.PARTNER, partner_id="p-100")
P200 = SubscriptionOwner(OwnerRole.PARTNER, partner_id="p-200")
AGG = SubscriptionOwner(OwnerRole.AGGREGATOR, partner_ids=frozenset({"p-100", "p-300"}))
ADMIN = SubscriptionOwner(OwnerRole.ADMIN)
ALL_OWNERS = {"acme": ACME, "initech": INITECH, "p100": P100, "p200": P200, "agg": AGG, "admin": ADMIN}

DEAL = {
    "id": "d-1",
    "vendor_id": "acme",
    "partner_id": "p-100",
    "rep": {"id": "rep-7"},
    "conflicting_deal_ids": ["d-9"],
    "partner": {"id": "p-100", "tier": 1},
}
DEAL_PARTNER_ONLY_NESTED = {"id": "d-2", "vendor_id": "acme", "partner": {"id": "p-200"}}
REWARD = {"vendor_id": "initech", "partner_id": "p-300", "rep_id": "rep-1", "amount": "10.00"}
PAYOUT = {"id": "po-1", "vendor_id": "acme", "lines": [{"rep_id": "rep-7", "partner_id": "p-100"}]}
PIPELINE = {"partner_id": "p-200", "vendor_id": "initech", "coverage": "0.5"}
NO_TENANCY: dict[str, Any] = {"something": "else"}


@pytest.mark.parametrize(
    ("data", "who_sees"),
    [
        (DEAL, {"acme", "p100", "agg", "admin"}),
        (DEAL_PARTNER_ONLY_NESTED, {"acme", "p200", "admin"}),
        (REWARD, {"initech", "agg", "admin"}),
        # Payout lines span partners: only the vendor and admin receive it.
        (PAYOUT, {"acme", "admin"}),
        (PIPELINE, {"initech", "p200", "admin"}),
        (NO_TENANCY, {"admin"}),
    ],
)
def test_each_role_sees_only_its_own_tenancy(data: dict[str, Any], who_sees: set[str]) -> None:
    tenancy = tenancy_of(data)
    assert {name for name, owner in ALL_OWNERS.items() if may_see(owner, tenancy)} == who_sees


def test_non_string_ids_in_data_route_to_no_tenant() -> None:
    tenancy = tenancy_of({"vendor_id": 7, "partner_id": None, "partner": "p-100"})
    assert tenancy.vendor_id is None
    assert tenancy.partner_id is None
    assert not may_see(ACME, tenancy)
    assert not may_see(P100, tenancy)


@pytest.mark.parametrize(
    ("role", "kwargs"),
    [(OwnerRole.VENDOR, {}), (OwnerRole.PARTNER, {}), (OwnerRole.VENDOR, {"vendor_id": ""})],
)
def test_an_owner_without_its_id_is_a_wiring_error(role: OwnerRole, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="needs"):
        SubscriptionOwner(role, **kwargs)


@dataclass(frozen=True)
class Sub:
    name: str
    owner: SubscriptionOwner
    event_types: Collection[str] = field(default_factory=frozenset)


def test_only_subscriptions_for_the_event_type_and_tenancy_receive_it() -> None:
    subs = [
        Sub("acme-registered", ACME, {"deal-registered"}),
        Sub("acme-approved-only", ACME, {"deal-approved"}),
        Sub("initech-registered", INITECH, {"deal-registered"}),
        Sub("p100-all", P100, KNOWN_EVENT_TYPES),
        Sub("p200-all", P200, KNOWN_EVENT_TYPES),
        Sub("agg-registered", AGG, ["deal-registered", "deal-closed"]),
        Sub("admin-registered", ADMIN, {"deal-registered"}),
    ]
    got = recipients(subs, "deal-registered", DEAL)
    assert [s.name for s in got] == ["acme-registered", "p100-all", "agg-registered", "admin-registered"]
    assert receives(subs[0], "deal-registered", DEAL)
    assert not receives(subs[1], "deal-registered", DEAL)
    assert not receives(subs[2], "deal-registered", DEAL)


def test_known_event_types_are_every_type_of_the_three_topics() -> None:
    assert (
        frozenset(
            {
                "deal-registered",
                "deal-approved",
                "deal-rejected",
                "stage-advanced",
                "deal-closed",
                "deal-expired",
                "deal-approval-overdue",
                "deal-extended",
                "reward-earned",
                "reward-clawed-back",
                "payout-created",
                "pipeline-updated",
                "pipeline-at-risk",
            }
        )
        == KNOWN_EVENT_TYPES
    )


def test_unknown_event_types_are_reported_for_a_422() -> None:
    assert unknown_event_types(["deal-registered", "deal-deleted", "Deal-Approved"]) == [
        "Deal-Approved",
        "deal-deleted",
    ]
    assert unknown_event_types(["deal-registered", "pipeline-at-risk"]) == []


@pytest.mark.parametrize(("owner", "keeps_conflicts"), [(ACME, True), (ADMIN, True), (P100, False), (AGG, False)])
def test_partners_never_receive_other_partners_deal_ids(owner: SubscriptionOwner, keeps_conflicts: bool) -> None:
    data = visible_data(owner, DEAL)
    assert ("conflicting_deal_ids" in data) is keeps_conflicts
    assert data["id"] == "d-1"
    assert "conflicting_deal_ids" in DEAL  # the event itself is left untouched
