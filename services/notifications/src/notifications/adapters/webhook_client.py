"""One webhook attempt over HTTP: SSRF-vetted, pinned, redirects followed by hand, a hard time limit.

httpx never follows redirects itself: each Location is vetted by the SSRF guard
(after DNS) before it is followed, up to ``max_redirects`` hops. The body and
signature headers are sent again unchanged on every hop (a webhook is a POST; a
303-to-GET would deliver nothing). The whole attempt, redirects included, must
finish within ``timeout``.

Pinning (DNS rebinding): httpx would resolve the name again when it connects, and a
TTL-0 answer can flip from the public address the guard saw to 127.0.0.1. So the
client's network backend never resolves: it connects only to the addresses the guard
vetted for this hop (handed over in a context variable), and refuses any connection
it was not given addresses for. The URL keeps the name, so the Host header, TLS SNI
and certificate check use the name, and the pool keeps keep-alive connections per
name; a pooled connection stays on the address that was vetted when it was opened.
"""

from __future__ import annotations

import asyncio
import contextvars
import select
import socket
import ssl
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpcore
import httpx

from notifications.adapters.resolver import vet, vet_redirect
from notifications.domain.outcomes import Attempt, AttemptResult, TransportError, parse_retry_after
from notifications.domain.ssrf import BlockedDestination, Destination

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class _Pin:
    """Where the current hop may connect: the host as httpcore names it, its port, the vetted addresses."""

    host: str
    port: int
    addresses: tuple[str, ...]


# Set by post_webhook for each hop; the backend reads it in the same task (httpcore connects there).
_pin: contextvars.ContextVar[_Pin | None] = contextvars.ContextVar("webhook_pin", default=None)


def _pin_for(destination: Destination) -> _Pin:
    url = httpx.URL(destination.url)
    # httpcore hands connect_tcp the URL's host as httpx normalised it (lower case, IDNA, brackets off).
    return _Pin(url.raw_host.decode("ascii"), destination.port, destination.addresses)


def _readable(sock: socket.socket) -> bool:
    """httpcore's check (an idle keep-alive socket with data to read was closed by the server)."""
    fd = sock.fileno()
    if fd < 0:
        return True  # closed: as good as a server's close
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(0))


class _Stream(httpcore.AsyncNetworkStream):
    """A connection whose socket is looked up once, not on every pool check.

    httpcore's pool asks every connection ``is_readable`` (has the server closed it?) each
    time a request comes or goes; anyio's stream finds its socket by building its table of
    attributes anew on each ask, which was a tenth of the worker's CPU at 32 sends at once.
    """

    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._socket = inner.get_extra_info("socket")

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._inner.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._inner.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        # TLS runs over the same socket: the wrapper of the TLS stream finds the same one.
        return _Stream(await self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable" and self._socket is not None:
            return _readable(self._socket)
        return self._inner.get_extra_info(info)


class PinnedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to the vetted addresses of the current hop; never resolves a name itself."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self._inner = inner or httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        pin = _pin.get()
        if pin is None or pin.host != host or pin.port != port:
            # Fail closed: a connection nobody vetted (a stray request, a proxy hop) is refused.
            raise httpcore.ConnectError(f"{host}:{port} was not vetted for this attempt")
        failure: Exception | None = None
        for address in pin.addresses:
            try:
                stream = await self._inner.connect_tcp(
                    address, port, timeout=timeout, local_address=local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next vetted address may answer (dual stack)
            else:
                return _Stream(stream)
        assert failure is not None  # a Destination always has at least one address
        raise failure

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("webhooks never use unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class _Pool(httpcore.AsyncConnectionPool):
    """httpcore 1.0's pool, assigning requests in linear time.

    httpcore runs this on every request and every response, and its own version asks each
    idle connection for a list of all connections' idleness (quadratic: at 32 sends at once,
    most of the pool's CPU). The decisions are httpcore 1.0.9's, unchanged, including closing
    an idle connection whenever the pool holds more connections than ``max_keepalive``.
    """

    def _assign_requests_to_connections(self) -> list[httpcore.AsyncConnectionInterface]:
        closing: list[httpcore.AsyncConnectionInterface] = []
        for connection in list(self._connections):
            if connection.is_closed():
                self._connections.remove(connection)
            elif connection.has_expired() or (
                connection.is_idle() and len(self._connections) > self._max_keepalive_connections
            ):
                self._connections.remove(connection)
                closing.append(connection)
        for pool_request in [r for r in self._requests if r.is_queued()]:
            origin = pool_request.request.url.origin
            available = next((c for c in self._connections if c.can_handle_request(origin) and c.is_available()), None)
            if available is not None:
                pool_request.assign_to_connection(available)
                continue
            if len(self._connections) >= self._max_connections:
                idle = next((c for c in self._connections if c.is_idle()), None)
                if idle is None:
                    continue  # stays queued until a connection comes free
                self._connections.remove(idle)
                closing.append(idle)
            connection = self.create_connection(origin)
            self._connections.append(connection)
            pool_request.assign_to_connection(connection)
        return closing


class PinnedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport over a pool whose backend is PinnedBackend.

    httpx 0.28 does not take a network backend, so the pool it built is replaced by one
    with the same settings (no proxy, no environment: receivers are reached directly).
    """

    def __init__(self, limits: httpx.Limits, *, verify: ssl.SSLContext | bool = True) -> None:
        super().__init__(limits=limits, trust_env=False, verify=verify)
        self._pool = _Pool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=PinnedBackend(),
        )


def new_client(verify: ssl.SSLContext | bool = True) -> httpx.AsyncClient:
    # Connection reuse across deliveries; limits above the worker pool so the pool is the bound.
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,  # never route receivers through an environment proxy
        transport=PinnedTransport(httpx.Limits(max_connections=256, max_keepalive_connections=64), verify=verify),
    )


# A receiver's answer is read up to this much (and dropped) so its keep-alive connection
# can carry the next delivery; a longer body is not worth reading, the connection is closed.
DRAIN_LIMIT = 64 * 1024


async def _finish(response: httpx.Response) -> None:
    """Read and drop a short body, then release the connection.

    httpcore only hands a connection back for reuse once the response was read to its end;
    closing it unread closes the connection, and every delivery paid a new TCP (and TLS) setup.
    """
    try:
        read = 0
        async for chunk in response.aiter_raw():
            read += len(chunk)
            if read > DRAIN_LIMIT:
                break
    finally:
        await response.aclose()


async def post_webhook(
    client: httpx.AsyncClient,
    url: str,
    body: bytes,
    headers: Mapping[str, str],
    *,
    allow_private: bool,
    timeout: timedelta,
    max_redirects: int = 5,
) -> Attempt:
    started = time.monotonic()

    def took() -> timedelta:
        return timedelta(seconds=time.monotonic() - started)

    seconds = timeout.total_seconds()
    try:
        async with asyncio.timeout(seconds):
            destination = await vet(url, allow_private)
            for hop in range(max_redirects + 1):
                current = destination.url
                request = client.build_request("POST", current, content=body, headers=dict(headers), timeout=seconds)
                pinned = _pin.set(_pin_for(destination))
                try:
                    response = await client.send(request, stream=True)
                finally:
                    _pin.reset(pinned)
                try:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        if hop == max_redirects:
                            return Attempt(AttemptResult(took(), error=TransportError.TOO_MANY_REDIRECTS))
                        destination = await vet_redirect(current, location, allow_private)
                        continue
                    retry_after = parse_retry_after(response.headers.get("retry-after"), datetime.now(UTC))
                    return Attempt(AttemptResult(took(), status_code=response.status_code, retry_after=retry_after))
                finally:
                    await _finish(response)
    except BlockedDestination as exc:
        return Attempt(AttemptResult(took(), error=TransportError.BLOCKED_DESTINATION), exc.reason)
    except (TimeoutError, httpx.TimeoutException):
        return Attempt(AttemptResult(took(), error=TransportError.TIMEOUT), f"no answer within {seconds:g} s")
    except (httpx.HTTPError, OSError) as exc:
        return Attempt(AttemptResult(took(), error=TransportError.CONNECTION), type(exc).__name__)
    raise AssertionError("unreachable: the redirect loop always returns")


class HttpWebhookSender:
    """The delivery worker's WebhookSender: post_webhook over one pooled, pinned client."""

    def __init__(
        self,
        *,
        allow_private: bool,
        timeout: timedelta,
        max_redirects: int,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        # Connection reuse across deliveries: one client for the worker's life.
        self._client = client or new_client()
        self._allow_private = allow_private
        self._timeout = timeout
        self._max_redirects = max_redirects

    async def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> Attempt:
        return await post_webhook(
            self._client,
            url,
            body,
            headers,
            allow_private=self._allow_private,
            timeout=self._timeout,
            max_redirects=self._max_redirects,
        )

    async def aclose(self) -> None:
        await self._client.aclose()
