"""Request and response bodies of incentives' API."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]
Multiplier = Annotated[Decimal, Field(ge=0, le=10, max_digits=6, decimal_places=4, allow_inf_nan=False)]


class ProgramCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    vendor_id: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    starts_on: date
    ends_on: date
    registration_reward_pct: Percent
    pay_registration_on: Literal["registered", "approved"] = "registered"
    stage_bonuses: dict[Literal["qualified", "proposal", "negotiation"], Money] = {}
    close_won_pct: Percent = Decimal(0)
    clawback_on_reject: bool = True
    tier_multipliers: dict[Literal["1", "2", "3"], Multiplier] = {"1": Decimal(1), "2": Decimal(1), "3": Decimal(1)}
    cap_per_deal: Money | None = None
    budget: Money | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> ProgramCreate:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on must not be before starts_on")
        return self
