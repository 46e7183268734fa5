"""A deal's deliveries in order, within one subscription.

Deliveries of one subscription and one subject (the CloudEvent subject: the deal id) form
a chain in the order the events arrived. Only the chain's head may be attempted; the
others wait (pending, no due time) until the head succeeds or finally fails, and then the
next one becomes the head. Chains of different subjects, and events without a subject,
go in parallel.

Whoever adds to a chain or moves its head on holds the chain's lock (a transaction-level
advisory lock), so a delivery queued while the head finishes is never left waiting behind
a head that is gone. Locks are per bucket of chains: a transaction holds a bounded number
of locks however many chains it touches, at the price of sometimes waiting for an
unrelated chain of the same bucket (only for the other transaction's commit).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence

# The advisory-lock class of chain locks (pg_advisory_xact_lock(int4, int4)), and how many buckets.
CHAIN_LOCK_CLASS = 0x0DE1_0001
CHAIN_BUCKETS = 64

Chain = tuple[str, str | None]  # (subscription id, subject)


def chain_bucket(subscription_id: str, subject: str) -> int:
    """The lock bucket of a chain: the same in every process (crc32, not Python's salted hash)."""
    return zlib.crc32(f"{subscription_id}\x00{subject}".encode()) % CHAIN_BUCKETS


def chain_buckets(chains: Iterable[Chain]) -> list[int]:
    """The buckets to lock for these chains, ascending: every locker takes them in the same order."""
    return sorted({chain_bucket(sub, subject) for sub, subject in chains if subject is not None})


def first_of_chain(chains: Sequence[Chain]) -> list[bool]:
    """For deliveries queued together in order: whether each is the first of its chain among them.

    Only a first one can be due at once (if nothing of its chain is pending yet); the others
    wait behind it. Deliveries without a subject belong to no chain.
    """
    seen: set[Chain] = set()
    out = []
    for chain in chains:
        if chain[1] is None:
            out.append(True)
            continue
        out.append(chain not in seen)
        seen.add(chain)
    return out
