"""Cursor pagination: `?limit=&cursor=` in, `{"items", "next_cursor"}` out.

A cursor is the sort key of the last item returned, opaque to clients (base64url of
JSON). Keyset pagination over a unique, stable order gives no duplicates or gaps
while pages are read, however the table changes in between.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any, Generic, TypeVar

import orjson
from fastapi import Query
from pydantic import BaseModel

from servicekit.problems import validation_problem

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Page size (default 50, at most 500).")]
Cursor = Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def decode_cursor(cursor: str | None, fields: tuple[str, ...]) -> dict[str, Any] | None:
    """The key a cursor carries; a 422 problem naming `cursor` if it is not one of ours."""
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = orjson.loads(raw)
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        key = None
    primitive = (str, int, float, bool, type(None))
    if not isinstance(key, dict) or set(key) != set(fields) or not all(isinstance(v, primitive) for v in key.values()):
        raise validation_problem([{"loc": ["query", "cursor"], "msg": "not a cursor returned by this list"}])
    return key


def next_cursor(rows: list[T], limit: int, key_of: Any) -> tuple[list[T], str | None]:
    """Given up to limit+1 rows, the page to return and the cursor of the next one."""
    if len(rows) <= limit:
        return rows, None
    page = rows[:limit]
    return page, encode_cursor(key_of(page[-1]))
