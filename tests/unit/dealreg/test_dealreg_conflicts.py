"""Duplicate and conflict classification against existing registrations (examples)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dealreg_factories import T0, deal, draft

from dealreg.domain.conflicts import (
    ConflictReason,
    ExistingRegistration,
    NewRegistration,
    classify_registration,
    registration_from_deal,
    registration_from_draft,
)
from dealreg.domain.customers import customer_match_keys
from dealreg.domain.deals import Customer, LineItem
from events.vocabulary import DealStatus

DOMAIN = ConflictReason.SAME_CUSTOMER_DOMAIN
NAME = ConflictReason.SAME_CUSTOMER_NAME
OVERLAP = ConflictReason.PRODUCT_OVERLAP


def new(
    partner: str = "p-1", name: str = "Globex Corp", domain: str | None = "globex.com", skus: str = "A B"
) -> NewRegistration:
    return NewRegistration("acme", partner, customer_match_keys(name, domain), frozenset(skus.split()))


def old(
    deal_id: str,
    partner: str = "p-2",
    name: str = "Globex Corp",
    domain: str | None = "globex.com",
    skus: str = "A",
    status: DealStatus = DealStatus.APPROVED,
    vendor: str = "acme",
    age_days: int = 1,
) -> ExistingRegistration:
    return ExistingRegistration(
        deal_id, vendor, partner, status, customer_match_keys(name, domain), frozenset(skus.split()),
        T0 - timedelta(days=age_days),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("existing", "duplicate_of", "conflicting", "reasons"),
    [
        ([], None, (), ()),
        ([old("d1")], None, ("d1",), (DOMAIN, NAME, OVERLAP)),
        ([old("d1", name="Initech")], None, ("d1",), (DOMAIN, OVERLAP)),  # same domain, other name
        ([old("d1", name="GLOBEX, Inc.", domain=None)], None, ("d1",), (NAME, OVERLAP)),  # no domain: name
        ([old("d1", domain="globex.de")], None, (), ()),  # both have domains, they differ
        ([old("d1", skus="C")], None, (), ()),  # no product in common
        ([old("d1", vendor="initech")], None, (), ()),  # another vendor
        ([old("d1", status=DealStatus.PENDING_APPROVAL)], None, ("d1",), (DOMAIN, NAME, OVERLAP)),
        ([old("d1", status=DealStatus.REJECTED)], None, (), ()),
        ([old("d1", status=DealStatus.EXPIRED)], None, (), ()),
        ([old("d1", status=DealStatus.CLOSED)], None, (), ()),
        ([old("d1", partner="p-1")], "d1", (), (DOMAIN, NAME, OVERLAP)),  # same partner: duplicate
        ([old("d1"), old("d2", partner="p-1")], "d2", (), (DOMAIN, NAME, OVERLAP)),  # duplicate wins
        (
            [old("d1", partner="p-1", age_days=1), old("d0", partner="p-1", age_days=5)],
            "d0",  # the oldest
            (),
            (DOMAIN, NAME, OVERLAP),
        ),
        (
            [old("d2", age_days=1), old("d3", partner="p-3", name="X", age_days=9, skus="B")],
            None,
            ("d3", "d2"),  # oldest first
            (DOMAIN, NAME, OVERLAP),
        ),
    ],
)
def test_classification(
    existing: list[ExistingRegistration],
    duplicate_of: str | None,
    conflicting: tuple[str, ...],
    reasons: tuple[ConflictReason, ...],
) -> None:
    result = classify_registration(new(), existing)
    assert (result.duplicate_of, result.conflicting_deal_ids, result.reasons) == (duplicate_of, conflicting, reasons)
    assert result.is_duplicate is (duplicate_of is not None)
    assert result.is_conflict is bool(conflicting)


def test_a_new_registration_without_domain_matches_by_name() -> None:
    result = classify_registration(new(name="The Globex Corporation", domain=None), [old("d1")])
    assert result.conflicting_deal_ids == ("d1",)
    assert result.reasons == (NAME, OVERLAP)


def test_a_candidate_listed_twice_counts_once() -> None:
    assert classify_registration(new(), [old("d1"), old("d1")]).conflicting_deal_ids == ("d1",)


def test_deals_and_drafts_are_matched_with_normalized_skus_and_customers() -> None:
    existing = deal(
        DealStatus.APPROVED,
        partner_id="p-200",
        customer=Customer(name="GLOBEX, Inc.", domain="https://www.globex.com/"),
        products=(LineItem(sku=" fw-500", quantity=1, unit_price=Decimal(1)),),
    )
    result = classify_registration(registration_from_draft(draft()), [registration_from_deal(existing)])
    assert result.conflicting_deal_ids == ("d-1",)
    assert result.reasons == (DOMAIN, NAME, OVERLAP)
