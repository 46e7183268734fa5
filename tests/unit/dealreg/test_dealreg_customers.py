"""Customer identity: which written forms of a company name or domain are the same customer."""

from __future__ import annotations

import pytest

from dealreg.domain.customers import (
    CustomerKeys,
    customer_match_keys,
    normalize_company_name,
    normalize_domain,
)


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("Globex Corporation", "globex"),
        ("GLOBEX, Inc.", "globex"),
        ("The Globex Corp", "globex"),
        ("  globex\t\tcorp  ", "globex"),
        ("Globex Incorporated", "globex"),
        ("Globex L.L.C.", "globex"),
        ("Globex LLC", "globex"),
        ("Globex Ltd.", "globex"),
        ("Globex Limited", "globex"),
        ("Globex GmbH", "globex"),
        ("Globex AG", "globex"),
        ("Globex S.A.", "globex"),
        ("Globex S. A.", "globex"),
        ("Globex SA", "globex"),
        ("Globex S.A.S.", "globex"),
        ("Globex SAS", "globex"),
        ("Globex S.r.l.", "globex"),
        ("Globex B.V.", "globex"),
        ("Globex N.V.", "globex"),
        ("Globex PLC", "globex"),
        ("Globex Pty. Ltd.", "globex"),
        ("Globex K.K.", "globex"),
        ("Globex Oy", "globex"),
        ("Globex AB", "globex"),
        ("Globex Co., Ltd.", "globex"),  # several suffixes
        ("Globex GmbH & Co. KG", "globex"),
        ("Globex S.A. de C.V.", "globex"),
        ("Smith & Co.", "smith"),
        ("Soci\u00e9t\u00e9 G\u00e9n\u00e9rale S.A.", "societe generale"),  # accents
        ("SOCIETE GENERALE", "societe generale"),
        ("M\u00fcller GmbH", "muller"),
        ("Stra\u00dfe AG", "strasse"),  # sharp s case-folds to ss
        ("\u00d8rsted A/S", "orsted"),  # o with stroke has no decomposition
        ("McDonald's Corporation", "mcdonalds"),  # apostrophes vanish
        ("McDonald\u2019s", "mcdonalds"),
        ("Hewlett-Packard Company", "hewlett packard"),  # other punctuation separates
        ("J.P. Morgan Chase & Co.", "jp morgan chase"),
        ("Procter & Gamble", "procter and gamble"),
        ("Procter and Gamble Co", "procter and gamble"),
        ("Globex Holdings", "globex holdings"),  # not a legal form: kept
        ("Inc Technologies", "inc technologies"),  # only at the end
        ("AB", "ab"),  # never emptied
        ("Co Inc", "co"),
        ("!!!", ""),
    ],
)
def test_company_name_normalization(written: str, normalized: str) -> None:
    assert normalize_company_name(written) == normalized


@pytest.mark.parametrize(
    ("written", "normalized"),
    [
        ("globex.com", "globex.com"),
        ("GLOBEX.COM", "globex.com"),
        ("www.globex.com", "globex.com"),
        ("https://www.globex.com/", "globex.com"),
        ("http://globex.com/contact?x=1#top", "globex.com"),
        ("globex.com.", "globex.com"),
        ("  Globex.Com  ", "globex.com"),
        ("globex.com:443", "globex.com"),
        ("shop.globex.com", "shop.globex.com"),  # a subdomain is a different key
        ("www.com", "www.com"),  # "www" is only dropped in front of a domain
        ("m\u00fcnchen.de", "xn--mnchen-3ya.de"),  # IDN and punycode forms match
        ("xn--mnchen-3ya.de", "xn--mnchen-3ya.de"),
    ],
)
def test_domain_normalization(written: str, normalized: str) -> None:
    assert normalize_domain(written) == normalized


@pytest.mark.parametrize(
    ("name", "domain", "keys", "index_keys"),
    [
        (
            "Globex Corp",
            "https://www.globex.com",
            CustomerKeys("globex.com", "globex"),
            ("domain:globex.com", "name:globex"),
        ),
        ("Globex Corp", None, CustomerKeys(None, "globex"), ("name:globex",)),
        ("Globex Corp", "", CustomerKeys(None, "globex"), ("name:globex",)),
        ("!!!", "globex.com", CustomerKeys("globex.com", None), ("domain:globex.com",)),
    ],
)
def test_match_keys(name: str, domain: str | None, keys: CustomerKeys, index_keys: tuple[str, ...]) -> None:
    assert customer_match_keys(name, domain) == keys
    assert keys.index_keys() == index_keys
