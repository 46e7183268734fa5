from typing import Literal

GetRollupsBy = Literal["channel_manager", "partner", "region", "territory", "tier"]

GET_ROLLUPS_BY_VALUES: set[GetRollupsBy] = {
    "channel_manager",
    "partner",
    "region",
    "territory",
    "tier",
}


def check_get_rollups_by(value: str) -> GetRollupsBy:
    if value in GET_ROLLUPS_BY_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_ROLLUPS_BY_VALUES!r}")
