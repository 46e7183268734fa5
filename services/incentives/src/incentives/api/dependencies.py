"""What routes get injected: the store on the request's session (the app wiring's factory), If-Match."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request

from incentives.service.ports import IncentivesStore
from servicekit.db import DbSession

IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        max_length=40,
        # incentives.service.preconditions' rule, stated (that parser answers a malformed one with 400).
        json_schema_extra={"pattern": '^\\s*(?:W/)?"?[0-9]{1,9}"?\\s*$'},
        description='The version you last read ("3", "\\"3\\"" or W/"3"); 412 when it is no longer current.',
    ),
]


# What a malformed If-Match gets here (incentives' contract: 400, where the other services say 422).
IF_MATCH_RESPONSES: dict[int | str, dict[str, Any]] = {400: {"description": "If-Match does not name a version"}}


def get_store(request: Request, session: DbSession) -> IncentivesStore:
    """The store on the request's session, which carries a keyed POST's idempotency claim."""
    store: IncentivesStore = request.app.state.store(session)
    return store


Store = Annotated[IncentivesStore, Depends(get_store)]
