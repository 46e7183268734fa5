"""incentives reads If-Match strictly: a version (plain, quoted or weak) or a 400 whose error names
the header and says why, as the Problem schema of its OpenAPI document states."""

from __future__ import annotations

import pytest

from incentives.service.preconditions import check_if_match, parse_if_match
from servicekit.errors import BadRequest, PreconditionFailed


@pytest.mark.parametrize(("header", "version"), [("3", 3), ('"3"', 3), ('W/"3"', 3), (" 12 ", 12), (None, None)])
def test_a_version_in_any_of_its_forms_is_read(header: str | None, version: int | None) -> None:
    assert parse_if_match(header) == version


@pytest.mark.parametrize("header", ["", "abc", "²", "3.0", "-1", "1234567890", "*"])
def test_anything_else_is_a_400_naming_the_header_and_saying_why(header: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_if_match(header)
    (error,) = caught.value.extra["errors"]
    assert error["loc"] == ["header", "If-Match"]
    assert "version" in error["msg"]


def test_a_stale_version_is_412() -> None:
    check_if_match("4", 4)
    with pytest.raises(PreconditionFailed):
        check_if_match("3", 4)
