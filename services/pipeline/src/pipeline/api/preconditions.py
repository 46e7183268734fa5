"""If-Match for pipeline's routes: the shared strict parser (servicekit.preconditions), plus the header's
declaration for the OpenAPI document."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header

from servicekit.preconditions import ANY, check_if_match, parse_if_match

IfMatch = Annotated[
    str | None, Header(alias="If-Match", description="The version you last read; 412 if it is no longer current.")
]

__all__ = ["ANY", "IfMatch", "check_if_match", "parse_if_match"]
