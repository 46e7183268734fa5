"""Cursor pagination at the HTTP edge: `?limit=&cursor=` in, `{"items", "next_cursor"}` out.

The cursors themselves are in servicekit.cursors (plain Python, for stores and use cases).
"""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

from servicekit.cursors import CursorType, decode_cursor, encode_cursor, next_cursor

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=500, description="Page size (default 50, at most 500).")]
Cursor = Annotated[str | None, Query(max_length=1000, description="next_cursor of the previous page.")]


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


__all__ = ["Cursor", "CursorType", "Limit", "Page", "decode_cursor", "encode_cursor", "next_cursor"]
