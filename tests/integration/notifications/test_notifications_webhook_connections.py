"""Deliveries to one receiver reuse its keep-alive connection (no new TCP/TLS setup per webhook)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from notifications_helpers import serve_http

from notifications.adapters.webhook_client import new_client, post_webhook


class KeepAliveReceiver:
    """HTTP/1.1 on 127.0.0.1 that keeps connections open and answers with a short body."""

    def __init__(self, body: bytes, *, close_idle: bool = False) -> None:
        self.body = body
        self.close_idle = close_idle  # closes each connection once it answered (a short idle timeout)
        self.connections = 0
        self.requests = 0
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> str:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/hook"

    async def __aexit__(self, *_: object) -> None:
        assert self._server is not None
        self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if not self.close_idle:
            await serve_http(reader, writer, self._answer)
            return
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
        length = int(head.partition("content-length:")[2].split("\r\n", 1)[0] or 0)
        await reader.readexactly(length)
        writer.write(self._answer("/hook", {}))
        await writer.drain()
        writer.close()

    def _answer(self, target: str, headers: dict[str, str]) -> bytes:
        self.requests += 1
        return b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(self.body) + self.body


async def _send(url: str, times: int, pause: float = 0) -> list[int | None]:
    client = new_client()
    try:
        codes = []
        for _ in range(times):
            await asyncio.sleep(pause)
            attempt = await post_webhook(
                client,
                url,
                b'{"a":1}',
                {"content-type": "application/json"},
                allow_private=True,
                timeout=timedelta(seconds=5),
            )
            codes.append(attempt.result.status_code)
        return codes
    finally:
        await client.aclose()


async def test_deliveries_to_one_receiver_share_a_connection() -> None:
    receiver = KeepAliveReceiver(b'{"ok":true}')
    async with receiver as url:
        assert await _send(url, 20) == [200] * 20
    assert receiver.requests == 20
    assert receiver.connections == 1


async def test_a_receiver_answering_a_huge_body_still_gets_every_delivery() -> None:
    # The body is not worth reading: the connection is dropped instead, and the next delivery opens one.
    receiver = KeepAliveReceiver(b"x" * (1024 * 1024))
    async with receiver as url:
        assert await _send(url, 3) == [200] * 3
    assert receiver.requests == 3


async def test_a_connection_the_receiver_closed_while_idle_is_not_used_again() -> None:
    # The pool sees the receiver's close on the idle socket and opens a new connection, instead of
    # sending the next delivery into a dead one (which would fail it).
    receiver = KeepAliveReceiver(b"", close_idle=True)
    async with receiver as url:
        assert await _send(url, 3, pause=0.1) == [200] * 3
    assert receiver.connections == 3
