"""If-Match, read strictly: a version number, or a 400 naming the header; never a 500.

incentives' contract answers a malformed If-Match with 400 (servicekit.preconditions says 422
and also takes "*"), so its parser stays its own; the errors are domain errors.
"""

from __future__ import annotations

import re

from servicekit.errors import BadRequest, PreconditionFailed

# ASCII digits only: "²".isdigit() is True, but int("²") fails.
_VERSION = re.compile(r'\s*(?:W/)?"?([0-9]{1,9})"?\s*', re.ASCII)


def parse_if_match(header: str | None) -> int | None:
    """The version an If-Match names, None when absent; a malformed one is BadRequest."""
    if header is None:
        return None
    match = _VERSION.fullmatch(header)
    if match is None:
        raise BadRequest(
            "If-Match must name a version, e.g. If-Match: 3.",
            # Each error names its field and says why, as the Problem schema states.
            errors=[{"loc": ["header", "If-Match"], "msg": 'must be a version such as 3 or the ETag "3"'}],
        )
    return int(match.group(1))


def check_if_match(header: str | None, version: int) -> None:
    """PreconditionFailed when the caller's version is not the current one (0: none exists yet)."""
    wanted = parse_if_match(header)
    if wanted is not None and wanted != version:
        raise PreconditionFailed(
            f"If-Match names version {wanted}, but the current version is {version}.", current_version=version
        )
