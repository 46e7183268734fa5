from typing import Literal

ListDeliveriesStatusType0 = Literal["failed", "pending", "succeeded"]

LIST_DELIVERIES_STATUS_TYPE_0_VALUES: set[ListDeliveriesStatusType0] = {
    "failed",
    "pending",
    "succeeded",
}


def check_list_deliveries_status_type_0(value: str) -> ListDeliveriesStatusType0:
    if value in LIST_DELIVERIES_STATUS_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_DELIVERIES_STATUS_TYPE_0_VALUES!r}")
