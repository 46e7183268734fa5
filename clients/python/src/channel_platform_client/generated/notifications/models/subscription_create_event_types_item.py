from typing import Literal

SubscriptionCreateEventTypesItem = Literal[
    "deal-approval-overdue",
    "deal-approved",
    "deal-closed",
    "deal-expired",
    "deal-extended",
    "deal-registered",
    "deal-rejected",
    "payout-created",
    "pipeline-at-risk",
    "pipeline-updated",
    "reward-clawed-back",
    "reward-earned",
    "stage-advanced",
]

SUBSCRIPTION_CREATE_EVENT_TYPES_ITEM_VALUES: set[SubscriptionCreateEventTypesItem] = {
    "deal-approval-overdue",
    "deal-approved",
    "deal-closed",
    "deal-expired",
    "deal-extended",
    "deal-registered",
    "deal-rejected",
    "payout-created",
    "pipeline-at-risk",
    "pipeline-updated",
    "reward-clawed-back",
    "reward-earned",
    "stage-advanced",
}


def check_subscription_create_event_types_item(value: str) -> SubscriptionCreateEventTypesItem:
    if value in SUBSCRIPTION_CREATE_EVENT_TYPES_ITEM_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {SUBSCRIPTION_CREATE_EVENT_TYPES_ITEM_VALUES!r}")
