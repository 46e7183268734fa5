"""Wake-ups from PostgreSQL LISTEN/NOTIFY, held across dropped connections.

Workers that poll a table (the outbox relay, webhook deliveries) also LISTEN on a
channel so that new work starts at once; their polling covers any gap while the
connection is being re-established.
"""

from __future__ import annotations

import asyncio
import contextlib

import asyncpg
import structlog

log = structlog.get_logger("events.pglisten")


async def listen_forever(dsn: str, channel: str, wake: asyncio.Event, retry_after: float = 1.0) -> None:
    """Set `wake` on every NOTIFY on `channel`; reconnect when the connection drops. Runs until cancelled."""
    while True:
        conn: asyncpg.Connection | None = None
        try:
            conn = await asyncpg.connect(dsn, timeout=5)
            closed = asyncio.Event()
            conn.add_termination_listener(lambda _conn, done=closed: done.set())
            await conn.add_listener(channel, lambda *_: wake.set())
            await closed.wait()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.debug("listener reconnecting", channel=channel, error=str(exc))
        finally:
            if conn is not None and not conn.is_closed():
                with contextlib.suppress(Exception):
                    await conn.close(timeout=2)
        await asyncio.sleep(retry_after)
