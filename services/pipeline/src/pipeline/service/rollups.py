"""Paging rollup groups: keyset over (unknown-last, key), the order rollup() returns them in."""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")


def sort_key(key: str | None) -> tuple[bool, str]:
    return (key is None, key or "")


def cursor_key(key: str | None) -> dict[str, Any]:
    return {"unknown": key is None, "key": key or ""}


def page_after(
    groups: list[tuple[str | None, T]], limit: int, after: dict[str, Any] | None
) -> tuple[list[tuple[str | None, T]], dict[str, Any] | None]:
    """Up to `limit` groups following `after` (a cursor_key), and the cursor key of the next page."""
    start = (bool(after["unknown"]), str(after["key"])) if after else None
    rest = [g for g in groups if start is None or sort_key(g[0]) > start]
    page = rest[:limit]
    more = len(rest) > limit
    return page, (cursor_key(page[-1][0]) if more and page else None)
