"""If-Match parsed strictly: a version, its ETag form or *, and a 422 naming the header for anything else."""

from __future__ import annotations

import pytest

from servicekit.preconditions import ANY, check_if_match, parse_if_match
from servicekit.problems import Problem


@pytest.mark.parametrize(
    ("header", "version"),
    [(None, None), ("3", 3), ('"3"', 3), ('W/"12"', 12), (" 4 ", 4), ("*", ANY)],
)
def test_parse_if_match(header: str | None, version: int | None) -> None:
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", ["²", "٣", "abc", '"*"', '"3', "3\"", "-1", "1.0", "", "1" * 19, "W/3", "3, 4"])
def test_a_malformed_if_match_is_a_422_naming_the_header(header: str) -> None:
    with pytest.raises(Problem) as exc:
        parse_if_match(header)
    assert exc.value.status == 422
    assert exc.value.extra["errors"][0]["loc"] == ["header", "If-Match"]


def test_check_if_match() -> None:
    check_if_match(None, 5)
    check_if_match('"5"', 5)
    check_if_match("*", 5)
    for header, version in (("4", 5), ("*", 0), ("1", 0)):
        with pytest.raises(Problem) as exc:
            check_if_match(header, version)
        assert exc.value.status == 412
