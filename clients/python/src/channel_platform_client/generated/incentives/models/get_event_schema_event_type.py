from typing import Literal

GetEventSchemaEventType = Literal["payout-created", "reward-clawed-back", "reward-earned"]

GET_EVENT_SCHEMA_EVENT_TYPE_VALUES: set[GetEventSchemaEventType] = {
    "payout-created",
    "reward-clawed-back",
    "reward-earned",
}


def check_get_event_schema_event_type(value: str) -> GetEventSchemaEventType:
    if value in GET_EVENT_SCHEMA_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_EVENT_SCHEMA_EVENT_TYPE_VALUES!r}")
