"""Property-based tests of the conflict matcher (hypothesis).

- Written variants of one company name (case, accents, punctuation, whitespace, legal
  suffixes) normalize alike; so do the scheme/www/case/trailing-dot forms of a domain.
- Deals of other vendors, and closed/expired/rejected deals, never change the verdict.
- A collision with the registering partner's own deal is a duplicate, never a conflict.
"""

from __future__ import annotations

from datetime import timedelta

from dealreg_factories import T0
from hypothesis import given
from hypothesis import strategies as st

from dealreg.domain.conflicts import (
    ConflictReason,
    ExistingRegistration,
    NewRegistration,
    classify_registration,
    collision_reasons,
)
from dealreg.domain.customers import (
    LEGAL_SUFFIXES,
    customer_match_keys,
    normalize_company_name,
    normalize_domain,
)
from events.vocabulary import OPEN_STATUSES as ACTIVE_STATUSES
from events.vocabulary import DealStatus

INACTIVE = [s for s in DealStatus if s not in ACTIVE_STATUSES]

# --- names ---------------------------------------------------------------------------------

# Words of at least two letters (a lone letter next to dots reads as an abbreviation,
# "A.B." -> "ab"), none of them a legal form or a connector, so the base name has none.
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=8).filter(
    lambda w: w not in LEGAL_SUFFIXES and w not in {"and", "de", "the"}
)
base_names = st.lists(words, min_size=1, max_size=4)

ACCENTED = {"a": "\u00e1\u00e0\u00e4\u00e2\u00e5", "e": "\u00e9\u00e8\u00eb\u00ea", "i": "\u00ed\u00ef",
            "o": "\u00f3\u00f6\u00f4", "u": "\u00fa\u00fc", "c": "\u00e7", "n": "\u00f1"}  # fmt: skip
SEPARATORS = [" ", "  ", "\t", " - ", "-", ", ", " / ", "\u00a0", "_", "|", " . "]
SUFFIXES = [
    "", " Inc", " Inc.", ", Inc.", " INC", " Incorporated", " Corp", " Corp.", " Corporation",
    " Co", " Co.", " Company", " LLC", " L.L.C.", " Ltd", " Ltd.", " Limited", " GmbH",
    " AG", " S.A.", " S. A.", " SA", " S.A.S.", " SAS", " SRL", " S.r.l.", " B.V.", " BV",
    " N.V.", " PLC", " Pty Ltd", " Pty. Ltd.", " K.K.", " KK", " Oy", " AB", " Co., Ltd.",
    " GmbH & Co. KG", " S.A. de C.V.", " & Co.",
]  # fmt: skip


@st.composite
def written_forms(draw: st.DrawFn, name: list[str]) -> str:
    """One way of writing `name`: any case, accents, separators, surrounding space, a suffix."""
    out_words = []
    for word in name:
        chars = []
        for ch in word:
            if ch in ACCENTED and draw(st.booleans()):
                ch = draw(st.sampled_from(ACCENTED[ch]))
            chars.append(ch.upper() if draw(st.booleans()) else ch)
        out_words.append("".join(chars))
    text = out_words[0]
    for word in out_words[1:]:
        text += draw(st.sampled_from(SEPARATORS)) + word
    suffix = draw(st.sampled_from(SUFFIXES))
    suffix = suffix.upper() if draw(st.booleans()) else suffix
    lead = draw(st.sampled_from(["", " ", "The ", "the "]))
    trail = draw(st.sampled_from(["", " ", ".", "!", " \n"]))
    return lead + text + suffix + trail


@st.composite
def two_writings_of_one_name(draw: st.DrawFn) -> tuple[str, str, str]:
    name = draw(base_names)
    return " ".join(name), draw(written_forms(name)), draw(written_forms(name))


@given(two_writings_of_one_name())
def test_writings_of_one_name_normalize_alike(case: tuple[str, str, str]) -> None:
    plain, first, second = case
    assert normalize_company_name(first) == normalize_company_name(second) == plain


@given(base_names, base_names)
def test_different_names_stay_different(a: list[str], b: list[str]) -> None:
    if a != b:
        assert normalize_company_name(" ".join(a)) != normalize_company_name(" ".join(b))


@given(st.text(max_size=40))
def test_normalization_is_idempotent_and_tidy(name: str) -> None:
    once = normalize_company_name(name)
    assert normalize_company_name(once) == once
    assert once == once.strip()
    assert "  " not in once


# --- domains -------------------------------------------------------------------------------

labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10).filter(
    lambda label: label != "www"
)
domains = st.builds(
    lambda ls, tld: ".".join([*ls, tld]),
    st.lists(labels, min_size=1, max_size=3),
    st.sampled_from(["com", "de", "co.uk", "io"]),
)


@st.composite
def written_domains(draw: st.DrawFn, domain: str) -> str:
    host = domain if not draw(st.booleans()) else "www." + domain
    host = "".join(ch.upper() if draw(st.booleans()) else ch for ch in host)
    scheme = draw(st.sampled_from(["", "http://", "https://", "HTTPS://"]))
    tail = draw(st.sampled_from(["", ".", "/", "/path?q=1", ":8443", ".:443/x"]))
    return draw(st.sampled_from(["", " "])) + scheme + host + tail


@given(domains.flatmap(lambda d: st.tuples(st.just(d), written_domains(d), written_domains(d))))
def test_writings_of_one_domain_normalize_alike(case: tuple[str, str, str]) -> None:
    domain, first, second = case
    assert normalize_domain(first) == normalize_domain(second) == domain


# --- classification ------------------------------------------------------------------------

VENDORS = ["acme", "initech"]
PARTNERS = ["p-1", "p-2", "p-3"]
NAMES = ["Globex Corporation", "GLOBEX, Inc.", "Initech LLC", "Umbrella"]
DOMAIN_CHOICES = [None, "globex.com", "https://www.globex.com", "initech.io"]
skus = st.frozensets(st.sampled_from(["a", "b", "c", "d"]), min_size=1, max_size=3)
customers = st.builds(customer_match_keys, st.sampled_from(NAMES), st.sampled_from(DOMAIN_CHOICES))

new_registrations = st.builds(NewRegistration, st.sampled_from(VENDORS), st.sampled_from(PARTNERS), customers, skus)


@st.composite
def existing_registrations(draw: st.DrawFn, statuses: list[DealStatus] | None = None) -> ExistingRegistration:
    return ExistingRegistration(
        deal_id=f"d-{draw(st.integers(0, 10**9))}",
        vendor_id=draw(st.sampled_from(VENDORS)),
        partner_id=draw(st.sampled_from(PARTNERS)),
        status=draw(st.sampled_from(statuses or list(DealStatus))),
        customer=draw(customers),
        skus=draw(skus),
        created_at=T0 - timedelta(minutes=draw(st.integers(0, 10_000))),
    )


def registration_lists(
    elements: st.SearchStrategy[ExistingRegistration], max_size: int
) -> st.SearchStrategy[list[ExistingRegistration]]:
    """Stored registrations: deal ids are unique."""
    return st.lists(elements, max_size=max_size, unique_by=lambda e: e.deal_id)


@given(new_registrations, registration_lists(existing_registrations(), max_size=8))
def test_verdict_only_names_active_same_vendor_deals_of_the_right_partner(
    new: NewRegistration, existing: list[ExistingRegistration]
) -> None:
    result = classify_registration(new, existing)
    by_id = {e.deal_id: e for e in existing}
    if result.duplicate_of is not None:
        dup = by_id[result.duplicate_of]
        assert (dup.vendor_id, dup.partner_id) == (new.vendor_id, new.partner_id)
        assert dup.status in ACTIVE_STATUSES
        assert result.conflicting_deal_ids == ()
    for deal_id in result.conflicting_deal_ids:
        other = by_id[deal_id]
        assert other.vendor_id == new.vendor_id
        assert other.partner_id != new.partner_id
        assert other.status in ACTIVE_STATUSES
    if result.is_duplicate or result.is_conflict:
        assert ConflictReason.PRODUCT_OVERLAP in result.reasons
        assert {ConflictReason.SAME_CUSTOMER_DOMAIN, ConflictReason.SAME_CUSTOMER_NAME} & set(result.reasons)
    else:
        assert result.reasons == ()


@given(
    new_registrations,
    registration_lists(existing_registrations(), max_size=6),
    registration_lists(existing_registrations(statuses=INACTIVE), max_size=6),
    registration_lists(existing_registrations(), max_size=6),
)
def test_other_vendors_and_inactive_deals_never_change_the_verdict(
    new: NewRegistration,
    existing: list[ExistingRegistration],
    inactive: list[ExistingRegistration],
    any_status: list[ExistingRegistration],
) -> None:
    other_vendor = next(v for v in VENDORS if v != new.vendor_id)
    # Noise that matches the customer and products exactly, so only vendor/status can exclude it.
    noise = [
        *(ExistingRegistration(f"x-{i}", new.vendor_id, e.partner_id, e.status, new.customer, new.skus, e.created_at)
          for i, e in enumerate(inactive)),
        *(ExistingRegistration(f"y-{i}", other_vendor, e.partner_id, e.status, new.customer, new.skus, e.created_at)
          for i, e in enumerate(any_status)),
    ]  # fmt: skip
    assert all(not collision_reasons(new, n) for n in noise)
    assert classify_registration(new, existing + noise) == classify_registration(new, existing)
    assert classify_registration(new, noise).duplicate_of is None
    assert classify_registration(new, noise).conflicting_deal_ids == ()


@given(
    new_registrations,
    registration_lists(existing_registrations(), max_size=6),
    st.sampled_from(sorted(ACTIVE_STATUSES)),
)
def test_a_same_partner_collision_is_always_a_duplicate_never_a_conflict(
    new: NewRegistration, existing: list[ExistingRegistration], status: DealStatus
) -> None:
    own = ExistingRegistration("own", new.vendor_id, new.partner_id, status, new.customer, new.skus, T0)
    result = classify_registration(new, [*existing, own])
    assert result.is_duplicate
    assert not result.is_conflict
    assert result.conflicting_deal_ids == ()


@given(new_registrations, registration_lists(existing_registrations(), max_size=8))
def test_verdict_does_not_depend_on_candidate_order(new: NewRegistration, existing: list[ExistingRegistration]) -> None:
    assert classify_registration(new, existing) == classify_registration(new, list(reversed(existing)))
