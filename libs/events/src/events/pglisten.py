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

from events.retrying import LISTENER, any_error, retrying

log = structlog.get_logger("events.pglisten")


class ListenerLost(ConnectionError):
    """The LISTEN connection ended (the server restarted or the network dropped it)."""


async def _listen_once(dsn: str, channel: str, wake: asyncio.Event) -> None:
    """One LISTEN connection, held until it ends (then raises ListenerLost)."""
    conn: asyncpg.Connection | None = None
    try:
        conn = await asyncpg.connect(dsn, timeout=5)
        closed = asyncio.Event()
        conn.add_termination_listener(lambda _conn, done=closed: done.set())
        await conn.add_listener(channel, lambda *_: wake.set())
        # Work may have been committed while we were away: let the worker look once.
        wake.set()
        await closed.wait()
        raise ListenerLost(f"LISTEN {channel} connection closed")
    finally:
        if conn is not None and not conn.is_closed():
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)


async def listen_forever(dsn: str, channel: str, wake: asyncio.Event) -> None:
    """Set `wake` on every NOTIFY on `channel`; reconnect when the connection drops. Runs until cancelled.

    Reconnects back off with jitter (events.retrying.LISTENER) while the database is away, and
    start over from the first, short wait once a connection has been held.
    """
    while True:
        # Any failure: the wake-ups are an optimisation (the worker polls too), so never give up.
        try:
            await retrying(LISTENER, what="LISTEN connection", retry_on=_not_lost_after_hold, channel=channel)(
                _listen_once, dsn, channel, wake
            )
        except ListenerLost:
            log.info("listener reconnecting", channel=channel)
            await asyncio.sleep(LISTENER.first)


def _not_lost_after_hold(exc: BaseException) -> bool:
    # A held connection that ended is not a failed attempt: listen_forever starts a fresh retrier
    # (backoff from the first wait) instead of counting it.
    return any_error(exc) and not isinstance(exc, ListenerLost)
