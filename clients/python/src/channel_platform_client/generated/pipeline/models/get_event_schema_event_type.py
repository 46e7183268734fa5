from typing import Literal

GetEventSchemaEventType = Literal["pipeline-at-risk", "pipeline-updated"]

GET_EVENT_SCHEMA_EVENT_TYPE_VALUES: set[GetEventSchemaEventType] = {
    "pipeline-at-risk",
    "pipeline-updated",
}


def check_get_event_schema_event_type(value: str) -> GetEventSchemaEventType:
    if value in GET_EVENT_SCHEMA_EVENT_TYPE_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_EVENT_SCHEMA_EVENT_TYPE_VALUES!r}")
