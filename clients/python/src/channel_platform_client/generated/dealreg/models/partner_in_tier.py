from typing import Literal

PartnerInTier = Literal[1, 2, 3]

PARTNER_IN_TIER_VALUES: set[PartnerInTier] = {
    1,
    2,
    3,
}


def check_partner_in_tier(value: int) -> PartnerInTier:
    if value in PARTNER_IN_TIER_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PARTNER_IN_TIER_VALUES!r}")
