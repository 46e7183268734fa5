from typing import Literal

ListSubscriptionsStatusType0 = Literal["active", "disabled"]

LIST_SUBSCRIPTIONS_STATUS_TYPE_0_VALUES: set[ListSubscriptionsStatusType0] = {
    "active",
    "disabled",
}


def check_list_subscriptions_status_type_0(value: str) -> ListSubscriptionsStatusType0:
    if value in LIST_SUBSCRIPTIONS_STATUS_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_SUBSCRIPTIONS_STATUS_TYPE_0_VALUES!r}")
