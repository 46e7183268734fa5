"""Opaque cursors for keyset pagination: plain Python, used by stores and use cases.

A cursor is the sort key of the last item returned, opaque to clients (base64url of
JSON). Keyset pagination over a unique, stable order gives no duplicates or gaps
while pages are read, however the table changes in between.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

import orjson

from servicekit.errors import InvalidInput

T = TypeVar("T")


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


# What a cursor field may hold: the decoded value is checked (and converted) to this type.
CursorType = type[int] | type[str] | type[datetime] | type[date]
_INT64 = 2**63
_MAX_TEXT = 1000


class _BadCursor(ValueError):
    pass


def _bad_cursor() -> Exception:
    return InvalidInput([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])


def _primitive(value: Any) -> bool:
    """JSON scalars PostgreSQL can compare without an error: no NUL in text, integers within bigint."""
    if isinstance(value, str):
        return len(value) <= _MAX_TEXT and "\x00" not in value
    if isinstance(value, bool) or value is None:
        return True
    if isinstance(value, int):
        return -_INT64 <= value < _INT64
    return isinstance(value, float)


def _typed(value: Any, kind: CursorType) -> Any:
    if kind is int:
        if isinstance(value, int) and not isinstance(value, bool) and -_INT64 <= value < _INT64:
            return value
        raise _BadCursor
    if not isinstance(value, str) or not _primitive(value):
        raise _BadCursor
    if kind is str:
        return value
    try:
        if kind is datetime:
            moment = datetime.fromisoformat(value)
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
        if kind is date:
            return date.fromisoformat(value)
    except ValueError:
        raise _BadCursor from None
    raise TypeError(f"unsupported cursor field type {kind!r}")  # a programming error, not bad input


def decode_cursor(cursor: str | None, fields: Sequence[str] | Mapping[str, CursorType]) -> dict[str, Any] | None:
    """The key a cursor carries; a 422 problem naming `cursor` if it is not one of ours.

    Give `fields` as {name: type} (int, str, datetime, date) and every value is checked and
    converted, so a crafted cursor such as {"seq": "x"} is a 4xx, never a database error.
    With field names only, values are JSON scalars that PostgreSQL can compare safely.
    """
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        key = None
    names = set(fields)
    if not isinstance(key, dict) or set(key) != names or not all(_primitive(v) for v in key.values()):
        raise _bad_cursor()
    if isinstance(fields, Mapping):
        try:
            return {name: _typed(key[name], kind) for name, kind in fields.items()}
        except _BadCursor:
            raise _bad_cursor() from None
    return key


def next_cursor(rows: list[T], limit: int, key_of: Any) -> tuple[list[T], str | None]:
    """Given up to limit+1 rows, the page to return and the cursor of the next one."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(key_of(page[-1]))
