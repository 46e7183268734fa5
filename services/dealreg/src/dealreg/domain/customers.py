"""Customer identity for conflict matching: normalized company names and domains.

Two registrations name the same customer when their normalized domains are equal or
their normalized legal names are equal (see `conflicts.py` for when each applies).
Normalization turns that comparison into equality of short keys, so a repository can
find candidates with an indexed lookup instead of scanning every active deal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Legal-form suffixes, written as they look once dots, commas and case are gone.
# Only dropped at the end of a name (several may follow each other: "Co., Ltd.").
LEGAL_SUFFIXES: frozenset[str] = frozenset(
    {
        # English-speaking countries
        "inc", "incorporated", "corp", "corporation", "co", "company", "cos",
        "llc", "llp", "lp", "ltd", "limited", "plc", "pty", "pte", "pvt", "lllp",
        # German-speaking countries, Nordics, Benelux
        "gmbh", "ag", "kg", "kgaa", "ohg", "ug", "ev", "se",
        "bv", "nv", "vof", "cv",
        "oy", "oyj", "ab", "as", "asa", "aps", "hf", "ehf",
        # Romance languages
        "sa", "sas", "sasu", "sarl", "srl", "spa", "sl", "slu", "sau", "sca", "scs",
        "ltda", "sapi", "sab", "eirl",
        # Asia
        "kk", "yk", "bhd", "sdn", "tbk",
    }
)  # fmt: skip

# Letters that Unicode does not decompose into base letter + accent.
_UNDECOMPOSABLE = str.maketrans(
    {
        "\u00f8": "o",  # o with stroke
        "\u00e6": "ae",
        "\u0153": "oe",
        "\u0142": "l",  # l with stroke
        "\u0111": "d",  # d with stroke
        "\u00f0": "d",  # eth
        "\u00fe": "th",  # thorn
        "\u0131": "i",  # dotless i
        "\u0127": "h",  # h with stroke
    }
)

# Words left dangling once the suffix after them is gone: "Smith & Co." -> "smith",
# "Globex S.A. de C.V." -> "globex".
_CONNECTORS = frozenset({"and", "de"})
# "S.A.", "L.L.C", "J.P.": single letters joined by dots are one abbreviation.
_DOTTED_ABBREVIATION = re.compile(r"(?<!\w)\w(?:\.\w)+\.?(?!\w)")
# Apostrophes vanish ("McDonald's" == "McDonalds"); every other punctuation
# mark or symbol separates words ("Hewlett-Packard" == "Hewlett Packard").
_APOSTROPHES = frozenset("'\u2019\u2018\u02bc`\u00b4")
_MAX_SUFFIX_LETTERS = 4  # "s a s u" is the longest spelled-out suffix we accept


def _fold(text: str) -> str:
    """Case-fold and strip accents: "Société GÉNÉRALE" -> "societe generale"."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.translate(_UNDECOMPOSABLE)


def _words(folded: str) -> list[str]:
    text = _DOTTED_ABBREVIATION.sub(lambda m: m.group(0).replace(".", ""), folded)
    text = text.replace("&", " and ")
    chars: list[str] = []
    for ch in text:
        if ch in _APOSTROPHES:
            continue
        category = unicodedata.category(ch)
        chars.append(" " if category[0] in "PSZC" else ch)
    return "".join(chars).split()


def _trailing_suffix_length(words: list[str]) -> int:
    """How many trailing words form one legal suffix (0 if none).

    A suffix is one word ("ltd") or single letters spelled apart ("s a" from "S. A.").
    """
    if words[-1] in LEGAL_SUFFIXES:
        return 1
    letters = 0
    while letters < min(len(words), _MAX_SUFFIX_LETTERS) and len(words[-1 - letters]) == 1:
        letters += 1
        if letters > 1 and "".join(words[-letters:]) in LEGAL_SUFFIXES:
            return letters
    return 0


def _drop_legal_suffixes(words: list[str]) -> list[str]:
    """Drop trailing legal forms ("Globex Holdings Co., Ltd." -> "globex holdings").

    Never empties a name: a company called "AB" stays "ab". An "and" left dangling by
    a dropped suffix goes too ("Smith & Co." -> "smith").
    """
    words = list(words)
    while len(words) > 1:
        n = _trailing_suffix_length(words)
        if n == 0 or n >= len(words):
            break
        del words[-n:]
        if len(words) > 1 and words[-1] in _CONNECTORS:
            words.pop()
    return words


def normalize_company_name(name: str) -> str:
    """The comparable form of a legal name.

    Case-folded, accents stripped, punctuation gone, whitespace collapsed, trailing
    legal suffixes (Inc, LLC, GmbH, S.A., Co., Ltd. ...) and a leading "the" dropped:
    "The Globex Corporation", "GLOBEX, Inc." and "Globex" all give "globex".
    An all-punctuation name gives "".
    """
    words = _words(_fold(name))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    if not words:
        return ""
    return " ".join(_drop_legal_suffixes(words))


_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")


def _idna_label(label: str) -> str:
    if label.isascii():
        return label
    try:
        return label.encode("idna").decode("ascii")
    except UnicodeError:
        # Not encodable: keep it; validation decides whether such a domain is allowed.
        return label


def normalize_domain(domain: str) -> str:
    """The comparable form of a customer domain: a bare lower-case host name.

    Drops the scheme, user info, port, path, a leading "www." and a trailing dot;
    non-ASCII labels become their IDNA (punycode) form, so "https://WWW.Globex.com/"
    and "globex.com." both give "globex.com". Returns "" when nothing is left.
    """
    host = domain.strip().lower()
    host = _SCHEME.sub("", host)
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1]
    host = host.split(":", 1)[0]
    host = host.rstrip(".")
    if host.startswith("www.") and "." in host[4:]:
        host = host[4:]
    return ".".join(_idna_label(label) for label in host.split("."))


DOMAIN_KEY_PREFIX = "domain:"
NAME_KEY_PREFIX = "name:"


@dataclass(frozen=True)
class CustomerKeys:
    """The normalized identity of a registration's customer.

    `domain` is None when no (usable) domain was given; `name` is None only when
    the name has no letters or digits at all (matching on "" would join unrelated
    customers).
    """

    domain: str | None
    name: str | None

    def index_keys(self) -> tuple[str, ...]:
        """Keys for an index table (one row per key): look candidates up with `key IN (...)`."""
        keys: list[str] = []
        if self.domain:
            keys.append(DOMAIN_KEY_PREFIX + self.domain)
        if self.name:
            keys.append(NAME_KEY_PREFIX + self.name)
        return tuple(keys)


def customer_match_keys(name: str, domain: str | None) -> CustomerKeys:
    """The keys under which a customer is indexed and looked up.

    A domain key when a domain is given, the normalized-name key always (it is what
    matches a registration that has no domain against one that has).
    """
    normalized_domain = normalize_domain(domain) if domain else ""
    normalized_name = normalize_company_name(name)
    return CustomerKeys(domain=normalized_domain or None, name=normalized_name or None)
