from typing import Literal

RewardDataKind = Literal["adjustment", "clawback", "close_bonus", "registration", "stage_bonus"]

REWARD_DATA_KIND_VALUES: set[RewardDataKind] = {
    "adjustment",
    "clawback",
    "close_bonus",
    "registration",
    "stage_bonus",
}


def check_reward_data_kind(value: str) -> RewardDataKind:
    if value in REWARD_DATA_KIND_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {REWARD_DATA_KIND_VALUES!r}")
