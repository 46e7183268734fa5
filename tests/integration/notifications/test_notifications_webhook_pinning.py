"""DNS rebinding: a webhook connects only to the address the SSRF guard vetted.

The "DNS" here answers differently on its second lookup of a name: first 127.0.0.2 (the
intended receiver, which the guard is told to treat as a public address), then
127.0.0.1 (an internal service the guard refuses, WEBHOOK_ALLOW_PRIVATE being off).
Both listen on the same port. Before pinning, the guard saw 127.0.0.2 and httpx then
resolved the name again and POSTed the signed body to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from notifications_helpers import serve_http

from notifications.adapters import webhook_client
from notifications.adapters.webhook_client import new_client, post_webhook
from notifications.domain import ssrf
from notifications.domain.outcomes import TransportError

RECEIVER = "127.0.0.2"  # the vetted address
INTERNAL = "127.0.0.1"  # where the rebinding answer points


class Recorder:
    """HTTP/1.1 server on one address: records each request's target and Host; may redirect."""

    def __init__(self, host: str, redirect: dict[str, str] | None = None) -> None:
        self.host = host
        self.redirect = redirect or {}
        self.requests: list[tuple[str, str]] = []  # (path, Host header)
        self._server: asyncio.Server | None = None

    async def start(self, port: int = 0, tls: ssl.SSLContext | None = None) -> int:
        self._server = await asyncio.start_server(self._handle, self.host, port, ssl=tls)
        return int(self._server.sockets[0].getsockname()[1])

    def close(self) -> None:
        if self._server is not None:
            self._server.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await serve_http(reader, writer, self._answer)

    def _answer(self, path: str, headers: dict[str, str]) -> bytes:
        self.requests.append((path, headers.get("host", "")))
        if path in self.redirect:
            location = self.redirect[path]
            answer = f"HTTP/1.1 307 Temporary Redirect\r\nlocation: {location}\r\ncontent-length: 0\r\n\r\n"
        else:
            answer = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok"
        return answer.encode()


class FlippingDns:
    """socket.getaddrinfo for *.test names: the first lookup of a name says RECEIVER, later ones INTERNAL."""

    def __init__(self) -> None:
        self.lookups: list[str] = []
        self._real = socket.getaddrinfo

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> list[Any]:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.endswith(".test"):
            return self._real(host, port, *args, **kwargs)
        address = RECEIVER if name not in self.lookups else INTERNAL
        self.lookups.append(name)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, int(port)))]


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[FlippingDns]:
    fake = FlippingDns()
    monkeypatch.setattr(socket, "getaddrinfo", fake)
    real_category = ssrf.address_category

    def category(ip: ssrf.IPAddress) -> ssrf.AddressCategory | None:
        # RECEIVER stands in for a public address; every other loopback address stays refused.
        return None if ip == ipaddress.ip_address(RECEIVER) else real_category(ip)

    monkeypatch.setattr(ssrf, "address_category", category)
    yield fake


@contextlib.asynccontextmanager
async def _servers(tls: ssl.SSLContext | None = None) -> AsyncIterator[tuple[Recorder, Recorder, int]]:
    """The vetted receiver and the internal service, listening on the same port; closed after."""
    receiver, internal = Recorder(RECEIVER), Recorder(INTERNAL)
    port = await internal.start()
    await receiver.start(port, tls=tls)
    try:
        yield receiver, internal, port
    finally:
        receiver.close()
        internal.close()


async def _post(url: str) -> webhook_client.Attempt:
    client = new_client()
    try:
        return await post_webhook(
            client, url, b'{"a":1}', {"content-type": "application/json"},
            allow_private=False, timeout=timedelta(seconds=5),
        )
    finally:
        await client.aclose()


async def test_a_name_that_rebinds_to_loopback_after_vetting_is_still_delivered_to_the_vetted_address(
    dns: FlippingDns,
) -> None:
    async with _servers() as (receiver, internal, port):
        attempt = await _post(f"http://rebind.test:{port}/hook")
    assert internal.requests == []
    assert attempt.result.status_code == 200
    assert receiver.requests == [("/hook", f"rebind.test:{port}")]  # Host is the name, not the address
    assert dns.lookups == ["rebind.test"]  # vetted once; the connection never looked the name up again


async def test_a_redirect_hop_that_rebinds_is_pinned_the_same_way(dns: FlippingDns) -> None:
    async with _servers() as (receiver, internal, port):
        receiver.redirect["/hook"] = f"http://hop.test:{port}/next"
        attempt = await _post(f"http://first.test:{port}/hook")
    assert internal.requests == []
    assert attempt.result.status_code == 200
    assert receiver.requests == [("/hook", f"first.test:{port}"), ("/next", f"hop.test:{port}")]


async def test_a_redirect_to_a_name_that_is_internal_when_vetted_is_refused(dns: FlippingDns) -> None:
    async with _servers() as (receiver, internal, port):
        dns.lookups.append("inside.test")  # its next answer is already the internal address
        receiver.redirect["/hook"] = f"http://inside.test:{port}/admin"
        attempt = await _post(f"http://outside.test:{port}/hook")
    assert internal.requests == []
    assert attempt.result.error is TransportError.BLOCKED_DESTINATION


async def test_the_webhook_client_refuses_a_connection_nobody_vetted() -> None:
    internal = Recorder(INTERNAL)
    port = await internal.start()
    client = new_client()
    try:
        with pytest.raises(httpx.ConnectError):
            await client.post(f"http://{INTERNAL}:{port}/", content=b"x")
    finally:
        await client.aclose()
        internal.close()
    assert internal.requests == []


def _certificate(name: str, directory: Any) -> tuple[ssl.SSLContext, ssl.SSLContext, list[str]]:
    """A self-signed certificate for ``name``: (server context recording SNI, client context trusting it, SNIs)."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = cert.public_bytes(serialization.Encoding.PEM)
    (directory / "cert.pem").write_bytes(cert_pem)
    (directory / "key.pem").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    names: list[str] = []

    def record(_sock: ssl.SSLObject, server_name: str | None, _ctx: ssl.SSLContext) -> None:
        names.append(server_name or "")

    server.sni_callback = record  # type: ignore[assignment]
    client = ssl.create_default_context(cadata=cert_pem.decode())
    return server, client, names


async def test_https_to_a_rebinding_name_goes_to_the_vetted_address_with_the_name_as_sni_and_host(
    dns: FlippingDns, tmp_path: Any
) -> None:
    server_tls, client_tls, sni = _certificate("secure.test", tmp_path)
    async with _servers(tls=server_tls) as (receiver, internal, port):
        client = new_client(verify=client_tls)
        try:
            attempt = await post_webhook(
                client, f"https://secure.test:{port}/hook", b"{}", {}, allow_private=False, timeout=timedelta(seconds=5)
            )
        finally:
            await client.aclose()
    assert internal.requests == []
    assert attempt.result.status_code == 200, attempt
    assert sni == ["secure.test"]  # and the certificate was checked against the name, not 127.0.0.2
    assert receiver.requests == [("/hook", f"secure.test:{port}")]
