"""Tenancy: who may act for which partner or vendor, and who sees which object."""

from __future__ import annotations

import pytest

from servicekit.principal import Principal, Role

PARTNER = Principal(Role.PARTNER, "u-partner", partner_id="p1")
AGGREGATOR = Principal(Role.AGGREGATOR, "u-agg", partner_ids=frozenset({"p1", "p2"}))
VENDOR = Principal(Role.VENDOR, "u-vendor", vendor_id="v1")
ADMIN = Principal(Role.ADMIN, "u-admin")


@pytest.mark.parametrize(
    ("principal", "partner_id", "expected"),
    [
        (PARTNER, "p1", True),
        (PARTNER, "p2", False),
        (AGGREGATOR, "p1", True),
        (AGGREGATOR, "p2", True),
        (AGGREGATOR, "p3", False),
        (VENDOR, "p1", False),
        (ADMIN, "p1", True),
        (ADMIN, "anything", True),
    ],
)
def test_acts_for_partner(principal: Principal, partner_id: str, expected: bool) -> None:
    assert principal.acts_for_partner(partner_id) is expected


@pytest.mark.parametrize(
    ("principal", "vendor_id", "expected"),
    [
        (PARTNER, "v1", False),
        (AGGREGATOR, "v1", False),
        (VENDOR, "v1", True),
        (VENDOR, "v2", False),
        (ADMIN, "v1", True),
        (ADMIN, "v2", True),
    ],
)
def test_acts_for_vendor(principal: Principal, vendor_id: str, expected: bool) -> None:
    assert principal.acts_for_vendor(vendor_id) is expected


@pytest.mark.parametrize(
    ("principal", "vendor_id", "partner_id", "expected"),
    [
        (PARTNER, "v1", "p1", True),
        (PARTNER, "v9", "p1", True),
        (PARTNER, "v1", "p2", False),
        (AGGREGATOR, "v1", "p2", True),
        (AGGREGATOR, "v1", "p3", False),
        (VENDOR, "v1", "p9", True),
        (VENDOR, "v2", "p1", False),
        (ADMIN, "v9", "p9", True),
    ],
)
def test_sees(principal: Principal, vendor_id: str, partner_id: str, expected: bool) -> None:
    assert principal.sees(vendor_id=vendor_id, partner_id=partner_id) is expected


def test_partner_without_partner_id_acts_for_nobody() -> None:
    assert not Principal(Role.PARTNER, "u").acts_for_partner("")


def test_vendor_without_vendor_id_acts_for_no_vendor() -> None:
    assert not Principal(Role.VENDOR, "u").acts_for_vendor("")


def test_only_admin_is_admin() -> None:
    assert [p.is_admin for p in (PARTNER, AGGREGATOR, VENDOR, ADMIN)] == [False, False, False, True]


def test_scope_key_differs_per_tenant_and_per_user() -> None:
    keys = {
        PARTNER.scope_key,
        Principal(Role.PARTNER, "u-partner", partner_id="p2").scope_key,
        Principal(Role.PARTNER, "someone-else", partner_id="p1").scope_key,
        AGGREGATOR.scope_key,
        VENDOR.scope_key,
        ADMIN.scope_key,
    }
    assert len(keys) == 6


def test_scope_key_of_aggregator_ignores_partner_order() -> None:
    a = Principal(Role.AGGREGATOR, "u", partner_ids=frozenset({"p2", "p1"}))
    b = Principal(Role.AGGREGATOR, "u", partner_ids=frozenset({"p1", "p2"}))
    assert a.scope_key == b.scope_key
    assert a.scope_key != Principal(Role.AGGREGATOR, "u", partner_ids=frozenset({"p1,p2"})).scope_key
