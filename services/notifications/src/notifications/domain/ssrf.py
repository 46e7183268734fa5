"""The SSRF guard: webhook URLs must not reach the platform's own network.

A receiver URL is checked on every address its host resolves to (a name that
resolves to one public and one private address is refused, since the client may
connect to either), and again on every redirect hop. The caller injects the
resolver, so this module does no I/O; errors raised by the resolver (e.g.
``socket.gaierror``) propagate unchanged, being transport failures, not refusals.

``allow_private`` (WEBHOOK_ALLOW_PRIVATE=1, for the local stack and tests) lets
private, loopback, link-local, carrier-grade NAT and unspecified addresses through.
Cloud-metadata endpoints, multicast and reserved addresses stay refused even then:
no real receiver lives there, and metadata is where an SSRF steals credentials.
"""

import ipaddress
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> every address the host resolves to, as strings ("10.0.0.1", "::1").
Resolver = Callable[[str, int], Sequence[str]]

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

METADATA_HOSTNAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "instance-data", "instance-data.ec2.internal"}
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OCI, DigitalOcean...
        "fd00:ec2::254",  # AWS over IPv6
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.170.23",  # AWS EKS pod identity
        "fd00:ec2::23",  # AWS EKS pod identity over IPv6
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud (legacy)
    )
)

_CARRIER_GRADE_NAT = ipaddress.IPv4Network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")
_PRIVATE_V4 = tuple(ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))
_UNIQUE_LOCAL_V6 = ipaddress.IPv6Network("fc00::/7")
_NAT64_V6 = ipaddress.IPv6Network("64:ff9b::/96")


class AddressCategory(StrEnum):
    LOOPBACK = "loopback"
    PRIVATE = "private"
    LINK_LOCAL = "link-local"
    CARRIER_GRADE_NAT = "carrier-grade NAT"
    UNSPECIFIED = "unspecified"
    NON_PUBLIC = "non-public"  # documentation, benchmarking and other special-purpose ranges
    METADATA = "cloud metadata"
    MULTICAST = "multicast"
    RESERVED = "reserved"


# Refused even when private receivers are allowed.
ALWAYS_BLOCKED = frozenset({AddressCategory.METADATA, AddressCategory.MULTICAST, AddressCategory.RESERVED})


class BlockedDestination(ValueError):
    """The URL may not receive webhooks; ``reason`` says why (safe to show the owner)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Destination:
    """A vetted receiver: the client may pin its connection to ``addresses``."""

    url: str
    host: str
    port: int
    addresses: tuple[str, ...]


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 form reaches: mapped (::ffff:a.b.c.d), NAT64, 6to4."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64_V6:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.sixtofour


def address_category(ip: IPAddress) -> AddressCategory | None:
    """Why ``ip`` is not a plain public address, or None when it is one."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_category(embedded)
        ip = ipaddress.IPv6Address(int(ip))  # drop any %scope so set lookups match
    if ip in METADATA_ADDRESSES:
        return AddressCategory.METADATA
    if ip.is_unspecified:
        return AddressCategory.UNSPECIFIED
    if ip.is_loopback:
        return AddressCategory.LOOPBACK
    if ip.is_link_local:
        return AddressCategory.LINK_LOCAL
    if ip.is_multicast:
        return AddressCategory.MULTICAST
    if isinstance(ip, ipaddress.IPv4Address):
        if ip in _CARRIER_GRADE_NAT:
            return AddressCategory.CARRIER_GRADE_NAT
        if any(ip in net for net in _PRIVATE_V4):
            return AddressCategory.PRIVATE
        if ip in _THIS_NETWORK:
            return AddressCategory.UNSPECIFIED
    elif ip in _UNIQUE_LOCAL_V6 or ip.is_site_local:
        return AddressCategory.PRIVATE
    if ip.is_reserved:
        return AddressCategory.RESERVED
    if not ip.is_global:
        return AddressCategory.NON_PUBLIC
    return None


def check_address(address: str, allow_private: bool) -> None:
    """Raise BlockedDestination unless ``address`` (an IP string) may receive webhooks."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        raise BlockedDestination(f"resolved to an unreadable address {address!r}") from None
    category = address_category(ip)
    if category is None:
        return
    if allow_private and category not in ALWAYS_BLOCKED:
        return
    raise BlockedDestination(f"{address} is a {category.value} address")


def _literal_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def vet_destination(url: str, resolve: Resolver, allow_private: bool) -> Destination:
    """Check ``url`` and every address its host resolves to; return what was vetted."""
    try:
        parts = urlsplit(url)
        port_in_url = parts.port  # raises ValueError when out of range or not a number
    except ValueError:
        raise BlockedDestination("not a valid URL") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedDestination(f"scheme {scheme or '(none)'!r} is not allowed; use http or https")
    if parts.username is not None or parts.password is not None:
        raise BlockedDestination("credentials in the URL are not allowed")
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise BlockedDestination("the URL has no host")
    if host in METADATA_HOSTNAMES:
        raise BlockedDestination(f"{host} is a cloud metadata endpoint")
    port = port_in_url if port_in_url is not None else DEFAULT_PORTS[scheme]

    literal = _literal_ip(host)
    addresses = [host] if literal is not None else list(resolve(host, port))
    if not addresses:
        raise BlockedDestination(f"{host} resolves to no address")
    for address in addresses:
        check_address(address, allow_private)
    return Destination(url=url, host=host, port=port, addresses=tuple(addresses))


def check_destination(url: str, resolve: Resolver, allow_private: bool) -> None:
    """Raise BlockedDestination unless ``url`` may receive webhooks."""
    vet_destination(url, resolve, allow_private)


def vet_redirect_destination(current_url: str, location: str, resolve: Resolver, allow_private: bool) -> Destination:
    """Vet one redirect hop; ``location`` may be relative. The result's addresses pin the hop's connection."""
    return vet_destination(urljoin(current_url, location), resolve, allow_private)


def check_redirect(current_url: str, location: str, resolve: Resolver, allow_private: bool) -> str:
    """Vet one redirect hop; return the absolute URL to follow (``location`` may be relative)."""
    return vet_redirect_destination(current_url, location, resolve, allow_private).url
