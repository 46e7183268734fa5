"""Idempotency-Key: which keys are accepted, and when two requests count as the same."""

from __future__ import annotations

import pytest

from servicekit.idempotency import fingerprint, valid_key


@pytest.mark.parametrize(
    "key",
    ["a", "x" * 255, "123e4567-e89b-12d3-a456-426614174000", "order 42 / retry #1", "~!@#$%^&*()"],
)
def test_valid_keys(key: str) -> None:
    assert valid_key(key)


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\tkey", "line\nbreak", "nul\x00", "emoji😀"])
def test_invalid_keys(key: str) -> None:
    assert not valid_key(key)


def test_same_request_same_fingerprint() -> None:
    assert fingerprint("POST", "/v1/deals", b"", b'{"a":1}') == fingerprint("POST", "/v1/deals", b"", b'{"a":1}')


def test_str_and_bytes_parts_fingerprint_alike() -> None:
    assert fingerprint("POST", b"/v1/deals") == fingerprint(b"POST", "/v1/deals")


@pytest.mark.parametrize(
    "other",
    [
        ("POST", "/v1/deals", b"", b'{"a":2}'),
        ("POST", "/v1/deals/x", b"", b'{"a":1}'),
        ("PUT", "/v1/deals", b"", b'{"a":1}'),
        ("POST", "/v1/deals", b"dry_run=true", b'{"a":1}'),
        ("POST", "/v1/deal", b"s", b'{"a":1}'),
        ("POST", "/v1/deals", b'{"a":1}', b""),
    ],
)
def test_any_difference_changes_the_fingerprint(other: tuple[str, str, bytes, bytes]) -> None:
    assert fingerprint(*other) != fingerprint("POST", "/v1/deals", b"", b'{"a":1}')


def test_fingerprint_is_a_sha256_hex_digest() -> None:
    fp = fingerprint("POST", "/x")
    assert len(fp) == 64
    assert int(fp, 16) >= 0


def test_a_stored_answer_is_replayed_with_its_headers() -> None:
    from servicekit.idempotency import Replay, outcome_of_stored

    out = outcome_of_stored("fp", "fp", 201, b'[["location", "/v1/deals/d-1"]]', b'{"id":"d-1"}', expired=False)
    assert out == Replay(201, [("location", "/v1/deals/d-1")], b'{"id":"d-1"}')


def test_the_same_key_with_another_request_is_a_mismatch() -> None:
    from servicekit.idempotency import Mismatch, outcome_of_stored

    assert outcome_of_stored("fp", "other", 201, b"[]", b"{}", expired=False) == Mismatch()


@pytest.mark.parametrize(("status", "expired"), [(201, True), (None, False), (None, True)])
def test_an_expired_key_or_one_without_an_answer_is_taken_over(status: int | None, expired: bool) -> None:
    """No claim ever blocks a retry: a key row without an answer can only be a leftover (key rows
    and answers commit together), and an expired one is past the 24 h the contract promises."""
    from servicekit.idempotency import Started, outcome_of_stored

    assert outcome_of_stored("fp", "other", status, None, None, expired=expired) == Started()
