from collections.abc import Sequence

import pytest

from notifications.domain.ssrf import (
    BlockedDestination,
    check_destination,
    check_redirect,
    vet_destination,
)

DNS: dict[str, list[str]] = {
    "hooks.example.com": ["93.184.216.34"],
    "v6.example.com": ["2606:2800:220:1:248:1893:25c8:1946"],
    "dual.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
    "localtest.me": ["127.0.0.1"],
    "rebind.example.com": ["93.184.216.34", "10.1.2.3"],
    "meta.example.com": ["169.254.169.254"],
    "2130706433": ["127.0.0.1"],  # decimal IPv4 form that getaddrinfo accepts
    "empty.example.com": [],
}


class FakeResolver:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> Sequence[str]:
        self.calls.append((host, port))
        return DNS[host]


def must_not_resolve(host: str, port: int) -> Sequence[str]:
    raise AssertionError(f"should not have resolved {host}")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("http://172.31.255.255/hook", "private"),
        ("http://192.168.1.1/hook", "private"),
        ("http://127.0.0.1:8080/hook", "loopback"),
        ("http://[::1]/hook", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[fd00:ec2::254]/", "cloud metadata"),
        ("http://169.254.1.1/", "link-local"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fd00::1]/hook", "private"),
        ("http://[fc00::1]/hook", "private"),
        ("http://[::ffff:127.0.0.1]/hook", "loopback"),
        ("http://[::ffff:10.0.0.1]/hook", "private"),
        ("http://[::ffff:169.254.169.254]/", "cloud metadata"),
        ("http://[64:ff9b::7f00:1]/", "loopback"),  # NAT64 form of 127.0.0.1
        ("http://[2002:a00:1::]/", "private"),  # 6to4 form of 10.0.0.1
        ("http://100.64.0.1/hook", "carrier-grade NAT"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://[::]/hook", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://[ff02::1]/", "multicast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://255.255.255.255/", "reserved"),
        ("http://192.0.2.10/", "non-public"),  # documentation range
    ],
)
def test_non_public_address_literals_are_refused(url: str, reason: str) -> None:
    with pytest.raises(BlockedDestination) as caught:
        check_destination(url, must_not_resolve, allow_private=False)
    assert reason in caught.value.reason


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://localtest.me/hook", "127.0.0.1 is a loopback"),
        ("https://rebind.example.com/hook", "10.1.2.3 is a private"),
        ("http://meta.example.com/", "cloud metadata"),
        ("http://2130706433/", "loopback"),
        ("http://empty.example.com/", "no address"),
    ],
)
def test_names_are_judged_by_every_address_they_resolve_to(url: str, reason: str) -> None:
    with pytest.raises(BlockedDestination, match=reason):
        check_destination(url, FakeResolver(), allow_private=False)


@pytest.mark.parametrize(
    "url",
    [
        "ftp://hooks.example.com/",
        "file:///etc/passwd",
        "gopher://hooks.example.com/",
        "javascript:alert(1)",
        "hooks.example.com/hook",
        "https://user:pass@hooks.example.com/",
        "https://user@hooks.example.com/",
        "https:///nohost",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://METADATA.google.internal./",
        "http://hooks.example.com:99999/",
        "http://[::1/",
    ],
)
def test_bad_urls_are_refused_before_any_lookup(url: str) -> None:
    with pytest.raises(BlockedDestination):
        check_destination(url, must_not_resolve, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com/hook",
        "HTTPS://Hooks.Example.com./hook",
        "http://hooks.example.com:8443/hook?x=1",
        "https://v6.example.com/",
        "https://dual.example.com/",
        "https://93.184.216.34/hook",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
    ],
)
def test_public_receivers_are_allowed(url: str) -> None:
    check_destination(url, FakeResolver(), allow_private=False)


def test_resolution_uses_the_url_port_or_the_scheme_default() -> None:
    resolver = FakeResolver()
    check_destination("https://hooks.example.com/", resolver, allow_private=False)
    check_destination("http://hooks.example.com/", resolver, allow_private=False)
    check_destination("http://hooks.example.com:8080/", resolver, allow_private=False)
    assert resolver.calls == [("hooks.example.com", 443), ("hooks.example.com", 80), ("hooks.example.com", 8080)]


def test_vetting_returns_the_addresses_to_pin_the_connection_to() -> None:
    dest = vet_destination("https://dual.example.com:8443/x", FakeResolver(), allow_private=False)
    assert dest.host == "dual.example.com"
    assert dest.port == 8443
    assert dest.addresses == ("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://[::1]/hook",
        "http://localtest.me/hook",
        "http://10.0.0.1/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://100.64.0.1/hook",
        "https://rebind.example.com/hook",
    ],
)
def test_allow_private_lets_local_receivers_through(url: str) -> None:
    check_destination(url, FakeResolver(), allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fd00:ec2::254]/",
        "http://meta.example.com/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
    ],
)
def test_metadata_multicast_and_reserved_stay_refused_even_when_private_is_allowed(url: str) -> None:
    with pytest.raises(BlockedDestination):
        check_destination(url, FakeResolver(), allow_private=True)


def test_a_redirect_to_a_private_address_is_refused() -> None:
    with pytest.raises(BlockedDestination, match="private"):
        check_redirect("https://hooks.example.com/hook", "http://10.0.0.1/admin", FakeResolver(), False)


def test_a_redirect_to_a_name_resolving_to_loopback_is_refused() -> None:
    with pytest.raises(BlockedDestination, match="loopback"):
        check_redirect("https://hooks.example.com/hook", "http://localtest.me/", FakeResolver(), False)


def test_a_redirect_to_another_scheme_is_refused() -> None:
    with pytest.raises(BlockedDestination, match="scheme"):
        check_redirect("https://hooks.example.com/hook", "file:///etc/passwd", FakeResolver(), False)


def test_a_relative_redirect_is_resolved_against_the_current_url() -> None:
    target = check_redirect("https://hooks.example.com/a/hook", "../v2/hook", FakeResolver(), False)
    assert target == "https://hooks.example.com/v2/hook"


def test_the_reason_says_which_address_was_refused() -> None:
    with pytest.raises(BlockedDestination) as caught:
        check_destination("http://10.0.0.1/", must_not_resolve, allow_private=False)
    assert caught.value.reason == "10.0.0.1 is a private address"
