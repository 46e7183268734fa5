"""DNS for the SSRF guard: every address a host resolves to (blocking; run it in a thread)."""

from __future__ import annotations

import asyncio
import socket

from notifications.domain.ssrf import Destination, check_redirect, vet_destination


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def vet(url: str, allow_private: bool) -> Destination:
    """vet_destination off the event loop (DNS blocks)."""
    return await asyncio.to_thread(vet_destination, url, resolve, allow_private)


async def vet_redirect(current_url: str, location: str, allow_private: bool) -> str:
    return await asyncio.to_thread(check_redirect, current_url, location, resolve, allow_private)
