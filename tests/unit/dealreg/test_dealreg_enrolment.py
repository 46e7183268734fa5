"""Enrolment rules without I/O: who sets which enrolment, and what a PUT of a partner changes."""

from __future__ import annotations

import pytest

from dealreg.domain.enrolment import (
    Enrolment,
    EnrolmentRefused,
    Terms,
    plan_partner_put,
    vendor_targets,
)
from events.vocabulary import PartnerEventType

ENROLLED, UPDATED = PartnerEventType.PARTNER_ENROLLED, PartnerEventType.PARTNER_UPDATED


def test_a_vendor_sets_only_its_own_enrolment() -> None:
    assert vendor_targets("acme", None) == ["acme"]
    assert vendor_targets("acme", ["acme", "acme"]) == ["acme"]
    for requested in (["other"], ["acme", "other"], []):
        with pytest.raises(EnrolmentRefused) as exc:
            vendor_targets("acme", requested)
        assert exc.value.status == 403 and "['acme']" in str(exc.value)


def test_an_admin_sets_the_enrolments_it_lists() -> None:
    assert vendor_targets(None, ["b", "a", "b"]) == ["a", "b"]
    assert vendor_targets(None, None) == []


def test_a_new_partner_is_created_with_its_first_enrolment() -> None:
    plan = plan_partner_put(None, {}, name="Initech", terms=Terms(2), targets=["acme"], may_rename=False)
    assert (plan.name, plan.profile_created) == ("Initech", True)
    assert [(c.vendor_id, c.version, c.event_type) for c in plan.changes] == [("acme", 1, ENROLLED)]


def test_another_vendor_changes_neither_the_name_nor_the_first_vendors_terms() -> None:
    current = {"acme": Enrolment("acme", Terms(1, "west"), version=4)}
    plan = plan_partner_put("Initech", current, name="Hijacked", terms=Terms(3), targets=["beta"], may_rename=False)
    assert plan.name == "Initech" and not plan.profile_changed
    assert [(c.vendor_id, c.terms, c.event_type) for c in plan.changes] == [("beta", Terms(3), ENROLLED)]


def test_same_terms_change_nothing_and_new_terms_move_the_version_on() -> None:
    current = {"acme": Enrolment("acme", Terms(1), version=4)}
    assert not plan_partner_put("I", current, name="I", terms=Terms(1), targets=["acme"], may_rename=False).changed
    plan = plan_partner_put("I", current, name="I", terms=Terms(2), targets=["acme"], may_rename=False)
    assert [(c.version, c.event_type) for c in plan.changes] == [(5, UPDATED)]


def test_an_admin_rename_reaches_every_active_enrolment() -> None:
    current = {
        "acme": Enrolment("acme", Terms(1), version=1),
        "beta": Enrolment("beta", Terms(3), version=2),
        "gone": Enrolment("gone", Terms(2), version=1, active=False),
    }
    plan = plan_partner_put("Old", current, name="New", terms=Terms(2), targets=[], may_rename=True)
    assert plan.name == "New" and plan.profile_changed
    assert [(c.vendor_id, c.terms.tier, c.version) for c in plan.changes] == [("acme", 1, 2), ("beta", 3, 3)]


def test_a_left_vendor_enrolling_again_is_an_update() -> None:
    current = {"acme": Enrolment("acme", Terms(1), version=1, active=False)}
    plan = plan_partner_put("I", current, name="I", terms=Terms(1), targets=["acme"], may_rename=False)
    assert [(c.version, c.event_type) for c in plan.changes] == [(2, UPDATED)]
