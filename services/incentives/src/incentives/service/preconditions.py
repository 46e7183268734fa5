"""If-Match, read strictly: a version number or a 4xx problem, never a 500."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Header

from servicekit.problems import Problem

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        description='The version you last read ("3", "\\"3\\"" or W/"3"); 412 when it is no longer current.',
    ),
]
# ASCII digits only: "²".isdigit() is True, but int("²") fails.
_VERSION = re.compile(r'\s*(?:W/)?"?([0-9]{1,9})"?\s*', re.ASCII)


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match names, None when absent; a malformed one is a 400 problem."""
    if header is None:
        return None
    match = _VERSION.fullmatch(header)
    if match is None:
        raise Problem(400, "If-Match must name a version, e.g. If-Match: 3.", errors=[{"loc": ["header", "If-Match"]}])
    return int(match.group(1))


def check_if_match(header: str | None, version: int) -> None:
    """412 when the caller's version is not the current one (0: the resource does not exist yet)."""
    wanted = parse_if_match(header)
    if wanted is not None and wanted != version:
        raise Problem(
            412, f"If-Match names version {wanted}, but the current version is {version}.", current_version=version
        )
