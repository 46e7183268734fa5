from typing import Literal

PolicyInOnSlaBreach = Literal["auto_approve", "auto_reject", "escalate"]

POLICY_IN_ON_SLA_BREACH_VALUES: set[PolicyInOnSlaBreach] = {
    "auto_approve",
    "auto_reject",
    "escalate",
}


def check_policy_in_on_sla_breach(value: str) -> PolicyInOnSlaBreach:
    if value in POLICY_IN_ON_SLA_BREACH_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {POLICY_IN_ON_SLA_BREACH_VALUES!r}")
