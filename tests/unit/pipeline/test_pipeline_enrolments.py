"""The enrolment read model's rules (pure): the highest version wins, and which terms a rollup
groups a partner by when both its enrolment and its deals show some."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.enrolments import Enrolment, newest_enrolments, rollup_attributes, supersedes
from pipeline.domain.read_model import PartnerAttributes
from servicekit.preconditions import ANY, check_if_match, parse_if_match
from servicekit.problems import Problem

T0 = datetime(2026, 12, 1, tzinfo=UTC)
GOLD = PartnerAttributes(3, "east", "EU", "cm-9")
OLD = PartnerAttributes(1, "west", "NA", "cm-1")


def enrolment(version: int, tier: int = 1, vendor: str = "acme") -> Enrolment:
    return Enrolment("p1", vendor, "Initech", tier, "west", "NA", "cm-1", version, T0 + timedelta(minutes=version))


def test_only_a_higher_version_supersedes() -> None:
    assert supersedes(enrolment(1), None)
    assert supersedes(enrolment(2), enrolment(1))
    assert not supersedes(enrolment(2, tier=3), enrolment(2))  # a redelivery changes nothing
    assert not supersedes(enrolment(1), enrolment(2))  # a late, older event never rolls back


@given(st.permutations([enrolment(v, tier=v) for v in range(1, 6)] + [enrolment(3, tier=3)]))
def test_any_order_of_events_keeps_the_highest_version(events: list[Enrolment]) -> None:
    assert newest_enrolments(events) == {("p1", "acme"): enrolment(5, tier=5)}


def test_enrolments_with_two_vendors_are_kept_apart() -> None:
    kept = newest_enrolments([enrolment(1, tier=1, vendor="a"), enrolment(4, tier=3, vendor="b")])
    assert {k: e.tier for k, e in kept.items()} == {("p1", "a"): 1, ("p1", "b"): 3}


def test_an_enrolment_wins_over_older_deal_data_and_ties() -> None:
    assert rollup_attributes((GOLD, T0), (OLD, T0 - timedelta(seconds=1))) == GOLD
    assert rollup_attributes((GOLD, T0), (OLD, T0)) == GOLD


def test_a_deal_event_newer_than_the_enrolment_gives_the_terms() -> None:
    assert rollup_attributes((OLD, T0), (GOLD, T0 + timedelta(seconds=1))) == GOLD


def test_either_alone_gives_the_terms_and_neither_gives_unknown() -> None:
    assert rollup_attributes((GOLD, T0), None) == GOLD
    assert rollup_attributes(None, (OLD, T0)) == OLD
    assert rollup_attributes(None, None) == PartnerAttributes()


def test_the_terms_of_an_enrolment() -> None:
    assert replace(enrolment(1), tier=2).attributes == PartnerAttributes(2, "west", "NA", "cm-1")


@pytest.mark.parametrize(("header", "version"), [(None, None), ("3", 3), ('"3"', 3), ('W/"3"', 3), ("*", ANY)])
def test_if_match_names_a_version(header: str | None, version: int | None) -> None:
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", ["²", "3.0", "-1", "abc", '"3', "", "1" * 19, "٣"])
def test_a_malformed_if_match_is_a_422_naming_the_header(header: str) -> None:
    with pytest.raises(Problem) as caught:
        parse_if_match(header)
    assert caught.value.status == 422
    assert caught.value.extra["errors"][0]["loc"] == ["header", "If-Match"]


def test_a_stale_if_match_is_412() -> None:
    check_if_match("2", 2)
    check_if_match(None, 7)
    check_if_match("0", 0)  # the version of a resource not written yet
    for header, current in (("1", 2), ("*", 0)):
        with pytest.raises(Problem) as caught:
            check_if_match(header, current)
        assert caught.value.status == 412
