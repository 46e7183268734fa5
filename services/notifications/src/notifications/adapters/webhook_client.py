"""One webhook attempt over HTTP: SSRF-vetted, redirects followed by hand, a hard time limit.

httpx never follows redirects itself: each Location is vetted by the SSRF guard
(after DNS) before it is followed, up to ``max_redirects`` hops. The body and
signature headers are sent again unchanged on every hop (a webhook is a POST; a
303-to-GET would deliver nothing). The whole attempt, redirects included, must
finish within ``timeout``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx

from notifications.adapters.resolver import vet, vet_redirect
from notifications.domain.outcomes import AttemptResult, TransportError, parse_retry_after
from notifications.domain.ssrf import BlockedDestination

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass(frozen=True)
class Attempt:
    result: AttemptResult
    detail: str | None = None  # why a transport error happened, for the delivery log


def new_client() -> httpx.AsyncClient:
    # Connection reuse across deliveries; limits above the worker pool so the pool is the bound.
    return httpx.AsyncClient(
        follow_redirects=False,
        trust_env=False,  # never route receivers through an environment proxy
        limits=httpx.Limits(max_connections=256, max_keepalive_connections=64),
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
            current = (await vet(url, allow_private)).url
            for hop in range(max_redirects + 1):
                request = client.build_request("POST", current, content=body, headers=dict(headers), timeout=seconds)
                response = await client.send(request, stream=True)
                try:
                    location = response.headers.get("location")
                    if response.status_code in REDIRECT_STATUSES and location:
                        if hop == max_redirects:
                            return Attempt(AttemptResult(took(), error=TransportError.TOO_MANY_REDIRECTS))
                        current = await vet_redirect(current, location, allow_private)
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
