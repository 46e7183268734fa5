from typing import Literal

GetEventSchemaEventType = Literal[
    "deal-approval-overdue",
    "deal-approved",
    "deal-closed",
    "deal-expired",
    "deal-extended",
    "deal-registered",
    "deal-rejected",
    "partner-enrolled",
    "partner-updated",
    "stage-advanced",
]

GET_EVENT_SCHEMA_EVENT_TYPE_VALUES: set[GetEventSchemaEventType] = {
    "deal-approval-overdue",
    "deal-approved",
    "deal-closed",
    "deal-expired",
    "deal-extended",
    "deal-registered",
    "deal-rejected",
    "partner-enrolled",
    "partner-updated",
    "stage-advanced",
}


def check_get_event_schema_event_type(value: str) -> GetEventSchemaEventType:
    if value in GET_EVENT_SCHEMA_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_EVENT_SCHEMA_EVENT_TYPE_VALUES!r}")
