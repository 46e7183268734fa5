"""Request and response bodies of dealreg's API (the contract's shapes, strictly validated)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")]
Domain = Annotated[
    str,
    StringConstraints(
        max_length=253,
        pattern=r"^([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$",
    ),
]
Money = Annotated[Decimal, Field(ge=0, max_digits=16, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartnerIn(Strict):
    name: ShortText
    tier: Literal[1, 2, 3]
    territory: ShortText | None = None
    region: ShortText | None = None
    channel_manager: ShortText | None = None
    vendor_ids: list[Id] = Field(default_factory=list, max_length=100)


class PartnerOut(BaseModel):
    id: str
    name: str
    tier: int
    territory: str | None
    region: str | None
    channel_manager: str | None
    vendor_ids: list[str]
    created_at: datetime
    updated_at: datetime
    version: int


class RepIn(Strict):
    id: Id
    email: Email | None = None
    name: ShortText | None = None


class CustomerIn(Strict):
    name: ShortText
    domain: Domain | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None


class ProductIn(Strict):
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")]
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: Money


class DealCreate(Strict):
    vendor_id: Id
    partner_id: Id | None = None
    rep: RepIn | None = None
    customer: CustomerIn
    products: list[ProductIn] = Field(min_length=1, max_length=200)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    margin_pct: Percent
    expected_close_date: date | None = None
    external_ref: Annotated[str, StringConstraints(max_length=100)] | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None


class DealOut(BaseModel):
    id: str
    vendor_id: str
    partner_id: str
    rep: dict[str, str | None]
    customer: dict[str, str | None]
    products: list[dict[str, str | int]]
    currency: str
    amount: str
    margin_pct: str
    margin_amount: str
    status: str
    stage: str
    conflict: bool
    conflict_reasons: list[str] = []
    conflicting_deal_ids: list[str] | None = None
    expected_close_date: date | None
    protection_expires_at: datetime | None
    approval_due_at: datetime | None
    extensions_used: int
    final_amount: str | None = None
    closed_on: date | None = None
    external_ref: str | None = None
    notes: str | None = None
    created_at: datetime
    updated_at: datetime
    version: int
