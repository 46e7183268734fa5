from typing import Literal

ListDealsStatusType0 = Literal["approved", "closed", "expired", "pending_approval", "rejected"]

LIST_DEALS_STATUS_TYPE_0_VALUES: set[ListDealsStatusType0] = {
    "approved",
    "closed",
    "expired",
    "pending_approval",
    "rejected",
}


def check_list_deals_status_type_0(value: str) -> ListDealsStatusType0:
    if value in LIST_DEALS_STATUS_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_DEALS_STATUS_TYPE_0_VALUES!r}")
