"""`platformctl outbox status`: per service, how many events wait in the outbox and for how long."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg

from events.outbox import BACKLOG_SQL
from platformctl.config import Connections


async def service_status(conns: Connections, service: str) -> dict[str, Any]:
    """unsent rows and the oldest one's age in seconds; `error` instead when the database is unreachable."""
    try:
        async with asyncio.timeout(10):
            con = await asyncpg.connect(conns.dsn(service), timeout=5)
            try:
                row = await con.fetchrow(BACKLOG_SQL)
            finally:
                await con.close()
    except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
        # Never the URL or its password: the class and PostgreSQL's message say enough.
        return {"service": service, "unsent": None, "oldest_unsent_age_seconds": None, "error": _reason(exc)}
    assert row is not None
    return {
        "service": service,
        "unsent": int(row["n"]),
        "oldest_unsent_age_seconds": round(float(row["age"]), 1) if row["age"] is not None else None,
        "error": None,
    }


async def status(conns: Connections, services: list[str]) -> list[dict[str, Any]]:
    return list(await asyncio.gather(*(service_status(conns, s) for s in services)))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncpg.PostgresError):
        return f"{type(exc).__name__}: {exc.args[0] if exc.args else ''}"
    return type(exc).__name__
