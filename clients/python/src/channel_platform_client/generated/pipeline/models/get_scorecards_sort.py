from typing import Literal

GetScorecardsSort = Literal[
    "approval_rate",
    "approved",
    "avg_cycle_days",
    "avg_deal_size",
    "conflict_rate",
    "coverage",
    "lost",
    "median_hours_to_decision",
    "performance_to_plan",
    "registrations",
    "rejected",
    "rewards_net",
    "sales_velocity",
    "score",
    "sla_breaches",
    "win_rate",
    "won",
]

GET_SCORECARDS_SORT_VALUES: set[GetScorecardsSort] = {
    "approval_rate",
    "approved",
    "avg_cycle_days",
    "avg_deal_size",
    "conflict_rate",
    "coverage",
    "lost",
    "median_hours_to_decision",
    "performance_to_plan",
    "registrations",
    "rejected",
    "rewards_net",
    "sales_velocity",
    "score",
    "sla_breaches",
    "win_rate",
    "won",
}


def check_get_scorecards_sort(value: str) -> GetScorecardsSort:
    if value in GET_SCORECARDS_SORT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {GET_SCORECARDS_SORT_VALUES!r}")
