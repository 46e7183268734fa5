"""Development tokens: `python -m devstack token ROLE [claims]` (the same secret as the services)."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

from servicekit.auth import mint_token
from servicekit.settings import DEV_AUTH_SECRET


def dev_token(role: str, sub: str | None = None, ttl_hours: float = 12, **claims: Any) -> str:
    secret = os.environ.get("AUTH_SECRET", DEV_AUTH_SECRET)
    return mint_token(secret, role=role, sub=sub or f"dev-{role}", ttl=timedelta(hours=ttl_hours), **claims)
