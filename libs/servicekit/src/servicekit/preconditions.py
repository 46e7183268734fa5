"""If-Match, parsed strictly: a version ("3", the ETag form "\"3\"" or W/"3") or "*".

Anything else is a 422 (InvalidInput) naming the header, never a 500 (`"²".isdigit()` is True, and
`int("²")` then raises) and never a silent 412.
"""

from __future__ import annotations

import re
from typing import Final

from servicekit.errors import PreconditionFailed, invalid

ANY: Final = -1  # "If-Match: *": any current version, the resource must exist
# ASCII digits only; 18 of them fit any version column and keep int() cheap.
_IF_MATCH = re.compile(r'(?:W/)?"([0-9]{1,18})"|([0-9]{1,18})|(\*)', re.ASCII)


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match names; None when absent, ANY for "*"; 422 naming the header otherwise."""
    if header is None:
        return None
    match = _IF_MATCH.fullmatch(header.strip(" \t"))
    if match is None:
        raise invalid(
            ["header", "If-Match"],
            'must be a version such as 3 or the ETag "3" (or *)',
            detail="The If-Match header is not a version of this resource.",
        )
    quoted, plain, star = match.groups()
    if star:
        return ANY
    return int(quoted or plain)


def check_if_match(header: str | None, version: int) -> None:
    """412 when If-Match names another version than `version` (0: the resource does not exist yet)."""
    wanted = parse_if_match(header)
    if wanted is None:
        return
    if wanted == ANY:
        if version == 0:
            raise PreconditionFailed(
                "If-Match: * needs an existing resource, and there is none.", current_version=version
            )
        return
    if wanted != version:
        raise PreconditionFailed(
            f"If-Match names version {wanted}, but the current version is {version}.", current_version=version
        )
