"""A deal's deliveries form a chain per subscription: which are first, and which locks they take (no I/O)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from notifications.domain.ordering import CHAIN_BUCKETS, chain_bucket, chain_buckets, first_of_chain


def test_only_the_first_delivery_of_each_chain_may_be_due_at_once() -> None:
    chains = [("s1", "d1"), ("s1", "d2"), ("s1", "d1"), ("s2", "d1"), ("s1", None), ("s1", None), ("s2", "d1")]
    assert first_of_chain(chains) == [True, True, False, True, True, True, False]


def test_a_bucket_is_the_same_in_every_process_and_in_range() -> None:
    assert chain_bucket("sub-1", "d-1") == chain_bucket("sub-1", "d-1")
    import zlib

    assert chain_bucket("sub-1", "d-1") == zlib.crc32(b"sub-1\x00d-1") % CHAIN_BUCKETS


chain = st.tuples(st.sampled_from(["s1", "s2", "s3"]), st.one_of(st.none(), st.sampled_from(["d1", "d2", "d3"])))


@given(st.lists(chain, max_size=60))
def test_each_chain_has_exactly_one_first_and_subjectless_deliveries_are_never_held(chains: list) -> None:
    firsts = first_of_chain(chains)
    with_subject = {c for c in chains if c[1] is not None}
    for c in with_subject:
        assert sum(f for cc, f in zip(chains, firsts, strict=True) if cc == c) == 1
        assert firsts[chains.index(c)]  # the first is the earliest
    assert all(f for c, f in zip(chains, firsts, strict=True) if c[1] is None)


@given(st.lists(chain, max_size=60))
def test_locks_are_taken_ascending_once_each_and_only_for_chains(chains: list) -> None:
    buckets = chain_buckets(chains)
    assert buckets == sorted(set(buckets))
    assert set(buckets) == {chain_bucket(s, d) for s, d in chains if d is not None}
    assert all(0 <= b < CHAIN_BUCKETS for b in buckets)
