"""Every list paginates (`limit`, `cursor` -> `items`, `next_cursor`): iterate it without the bookkeeping."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Protocol, TypeVar

from channel_platform_client.errors import Answer, ApiProblem

Item = TypeVar("Item")


class Page(Protocol[Item]):
    items: list[Item]
    next_cursor: str | None


def pages(operation: Callable[..., Answer[Any]], /, *, limit: int | None = None, **kwargs: Any) -> Iterator[Any]:
    """Each page of a generated list operation's `sync_detailed`, following `next_cursor` to the end.

    A page that is not a 2xx raises `ApiProblem`.
    """
    cursor: str | None = kwargs.pop("cursor", None)
    if limit is not None:
        kwargs["limit"] = limit
    while True:
        arguments = {**kwargs, "cursor": cursor} if cursor else kwargs
        answer = operation(**arguments)
        if not 200 <= int(answer.status_code) < 300 or answer.parsed is None:
            raise ApiProblem.of(answer)
        page = answer.parsed
        yield page
        cursor = getattr(page, "next_cursor", None)
        if not cursor:
            return


def items(operation: Callable[..., Answer[Any]], /, *, limit: int | None = None, **kwargs: Any) -> Iterator[Any]:
    """Every item of every page, in the API's order: `for deal in items(list_deals.sync_detailed, client=c)`."""
    for page in pages(operation, limit=limit, **kwargs):
        yield from page.items
