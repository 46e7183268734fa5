from typing import Literal

PolicyInAutoApproveTiersItem = Literal[1, 2, 3]

POLICY_IN_AUTO_APPROVE_TIERS_ITEM_VALUES: set[PolicyInAutoApproveTiersItem] = {
    1,
    2,
    3,
}


def check_policy_in_auto_approve_tiers_item(value: int) -> PolicyInAutoApproveTiersItem:
    if value in POLICY_IN_AUTO_APPROVE_TIERS_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {POLICY_IN_AUTO_APPROVE_TIERS_ITEM_VALUES!r}")
