"""DNS for the SSRF guard: every address a host resolves to (blocking; run it in a thread)."""

from __future__ import annotations

import asyncio
import socket

from notifications.domain.ssrf import Destination, vet_destination, vet_redirect_destination


def resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class _NeedsDns(Exception):
    """The URL names a host, not an address: the check has to resolve it."""


def _no_dns(host: str, port: int) -> list[str]:
    raise _NeedsDns


async def vet(url: str, allow_private: bool) -> Destination:
    """vet_destination off the event loop (DNS blocks).

    A URL with a literal address is checked in place: the same check, without a
    thread hop per attempt, since no lookup happens.
    """
    try:
        return vet_destination(url, _no_dns, allow_private)
    except _NeedsDns:
        return await asyncio.to_thread(vet_destination, url, resolve, allow_private)


async def vet_redirect(current_url: str, location: str, allow_private: bool) -> Destination:
    return await asyncio.to_thread(vet_redirect_destination, current_url, location, resolve, allow_private)
