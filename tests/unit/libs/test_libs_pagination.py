"""Cursor pagination: opaque cursors that round-trip, and a 422 for any cursor that is not ours."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import orjson
import pytest

from servicekit.pagination import Page, decode_cursor, encode_cursor, next_cursor
from servicekit.problems import Problem

FIELDS = ("created_at", "id")


def test_cursor_round_trips() -> None:
    key = {"created_at": "2026-03-02T10:00:00+00:00", "id": "d-1"}
    assert decode_cursor(encode_cursor(key), FIELDS) == key


def test_cursor_is_url_safe_without_padding() -> None:
    cursor = encode_cursor({"created_at": "\xff\xfe???>>>", "id": "~~~"})
    assert set(cursor) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@pytest.mark.parametrize("cursor", [None, ""])
def test_no_cursor_means_first_page(cursor: str | None) -> None:
    assert decode_cursor(cursor, FIELDS) is None


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage!!",
        "a",
        "%%%%",
        "é",
        b64(b"not json"),
        b64(b"[1, 2]"),
        b64(b'"a string"'),
        b64(b"null"),
        b64(orjson.dumps({"id": "d-1"})),
        b64(orjson.dumps({"created_at": "x", "id": "d-1", "extra": 1})),
        b64(orjson.dumps({"rank": 1, "id": "d-1"})),
    ],
)
def test_garbage_or_foreign_cursor_is_a_422_naming_cursor(cursor: str) -> None:
    with pytest.raises(Problem) as caught:
        decode_cursor(cursor, FIELDS)
    problem = caught.value
    assert problem.status == 422
    assert [e["loc"] for e in problem.extra["errors"]] == [["query", "cursor"]]


def test_full_page_plus_one_row_gives_a_cursor_to_the_next_page() -> None:
    rows = [{"id": i} for i in range(4)]
    page, cursor = next_cursor(rows, 3, lambda r: {"id": r["id"]})
    assert page == rows[:3]
    assert cursor is not None
    assert decode_cursor(cursor, ("id",)) == {"id": 2}


@pytest.mark.parametrize("count", [0, 1, 3])
def test_last_page_has_no_cursor(count: int) -> None:
    rows = list(range(count))
    assert next_cursor(rows, 3, lambda r: {"id": r}) == (rows, None)


def test_page_serialises_items_and_cursor() -> None:
    assert Page[int](items=[1, 2], next_cursor="abc").model_dump() == {"items": [1, 2], "next_cursor": "abc"}
    assert Page[int](items=[]).next_cursor is None


def test_a_cursor_with_structured_values_is_refused() -> None:
    cursor = encode_cursor({"created_at": [1, 2], "id": {"x": None}})
    with pytest.raises(Problem) as caught:
        decode_cursor(cursor, ("created_at", "id"))
    assert caught.value.status == 422


TYPED = {"c": datetime, "i": str, "n": int}


def _raw(key: object) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def test_typed_cursor_converts_each_field() -> None:
    cursor = encode_cursor({"c": "2026-03-02T10:00:00+00:00", "i": "d-1", "n": 7})
    assert decode_cursor(cursor, TYPED) == {"c": datetime(2026, 3, 2, 10, tzinfo=UTC), "i": "d-1", "n": 7}
    assert decode_cursor(encode_cursor({"d": "2026-03-02"}), {"d": date}) == {"d": date(2026, 3, 2)}


@pytest.mark.parametrize(
    "key",
    [
        {"c": "2026-03-02T10:00:00+00:00", "i": "d-1", "n": "x"},  # the issue's {"seq": "x"}
        {"c": "2026-03-02T10:00:00+00:00", "i": "d-1", "n": True},
        {"c": "2026-03-02T10:00:00+00:00", "i": "d-1", "n": 2**63},
        {"c": "2026-03-02T10:00:00+00:00", "i": "d-1", "n": 1.5},
        {"c": "not a time", "i": "d-1", "n": 1},
        {"c": 5, "i": "d-1", "n": 1},
        {"c": "2026-03-02T10:00:00+00:00", "i": 3, "n": 1},
        {"c": "2026-03-02T10:00:00+00:00", "i": "d\x00-1", "n": 1},
        {"c": "2026-03-02T10:00:00+00:00", "i": "d" * 1001, "n": 1},
    ],
)
def test_a_crafted_typed_cursor_is_a_422(key: dict[str, object]) -> None:
    with pytest.raises(Problem) as exc:
        decode_cursor(_raw(key), TYPED)
    assert exc.value.status == 422
    assert exc.value.extra["errors"][0]["loc"] == ["query", "cursor"]


@pytest.mark.parametrize("cursor", ["é", "%%%", "AAAA", _raw({"created_at": "x", "id": "a\x00b"}), _raw([1])])
def test_untyped_cursor_refuses_what_postgresql_could_not_compare(cursor: str) -> None:
    with pytest.raises(Problem):
        decode_cursor(cursor, FIELDS)
