from typing import Literal

ListDealsStageType0 = Literal["closed_lost", "closed_won", "negotiation", "proposal", "qualified", "registered"]

LIST_DEALS_STAGE_TYPE_0_VALUES: set[ListDealsStageType0] = {
    "closed_lost",
    "closed_won",
    "negotiation",
    "proposal",
    "qualified",
    "registered",
}


def check_list_deals_stage_type_0(value: str) -> ListDealsStageType0:
    if value in LIST_DEALS_STAGE_TYPE_0_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {LIST_DEALS_STAGE_TYPE_0_VALUES!r}")
