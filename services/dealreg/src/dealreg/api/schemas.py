"""Request and response bodies of dealreg's API (the contract's shapes, strictly validated).

Rules a schema cannot say alone (ISO 4217, close date not in the past, duplicate SKUs,
domain syntax) come from domain.validation and run as field validators, so one 422
names every bad field at once.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationInfo, field_validator, model_validator

from dealreg.domain import validation
from events.vocabulary import DealStage, DealStatus, Outcome
from servicekit.money import MAX_AMOUNT

Id = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")]
# An amount column holds NUMERIC(18, 2); the contract allows at most 15 digits before the point.
Money = Annotated[Decimal, Field(ge=0, le=MAX_AMOUNT, max_digits=17, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4, allow_inf_nan=False)]
Reason = Annotated[str, StringConstraints(max_length=1000, strip_whitespace=True)]


def _first_message(problems: list[tuple[Any, str]]) -> None:
    if problems:
        raise ValueError("; ".join(msg for _, msg in problems))


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PartnerIn(Strict):
    """A partner's profile name and its terms with the vendors in `vendor_ids`.

    A vendor sets its own enrolment only (`vendor_ids` left out or `[that vendor]`) and never
    renames an existing profile; an admin sets the enrolments it lists.
    """

    name: ShortText
    tier: Literal[1, 2, 3]
    territory: ShortText | None = None
    region: ShortText | None = None
    channel_manager: ShortText | None = None
    vendor_ids: list[Id] | None = Field(default=None, max_length=100)


class Out(BaseModel):
    """A response body. Routes build it from the views' JSON (service/views.py: money and times already
    strings) and answer with the keys that JSON has (`response_model_exclude_unset`), in this order."""


# Times and amounts as the views write them: ISO 8601 UTC ("...Z") and decimal strings ("1200.00").
Time = Annotated[str, Field(json_schema_extra={"format": "date-time"})]
Day = Annotated[str, Field(json_schema_extra={"format": "date"})]
Amount = Annotated[str, Field(json_schema_extra={"format": "decimal"}, examples=["1200.00"])]


class EnrollmentOut(Out):
    vendor_id: str
    tier: int
    territory: str | None
    region: str | None
    channel_manager: str | None
    version: int
    updated_at: Time


class PartnerOut(Out):
    """To a vendor: its own terms, `vendor_ids` = [that vendor], `version` = its enrolment's. To the
    partner and admin: every enrolment under `enrollments` (top-level terms only when there is exactly
    one), `version` = the profile's (moved by any change of it or its enrolments)."""

    id: str
    name: str
    tier: int | None
    territory: str | None
    region: str | None
    channel_manager: str | None
    vendor_ids: list[str]
    enrollments: list[EnrollmentOut] | None = None
    created_at: Time
    updated_at: Time
    version: int


class RepIn(Strict):
    id: Id
    email: Email | None = None
    name: ShortText | None = None


class CustomerIn(Strict):
    name: ShortText
    domain: Annotated[str, StringConstraints(min_length=1, max_length=253)] | None = None
    country: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str | None) -> str | None:
        _first_message(validation.customer_domain_problems(value))
        return value

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not any(ch.isalnum() for ch in value):
            raise ValueError("a customer name needs at least one letter or digit")
        return value


class ProductIn(Strict):
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._/-]+$")]
    quantity: int = Field(ge=1, le=1_000_000)
    unit_price: Money

    @model_validator(mode="after")
    def _line_total(self) -> ProductIn:
        _first_message(validation.amount_problems([(self.quantity, self.unit_price)], None))
        return self


class DealCreate(Strict):
    vendor_id: Id
    partner_id: Id | None = None
    rep: RepIn | None = None
    customer: CustomerIn
    products: list[ProductIn] = Field(min_length=1, max_length=validation.MAX_PRODUCTS)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    margin_pct: Percent
    expected_close_date: date | None = None
    external_ref: Annotated[str, StringConstraints(max_length=100)] | None = None
    notes: Annotated[str, StringConstraints(max_length=2000)] | None = None

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        _first_message(validation.currency_problems(value))
        return value

    @field_validator("expected_close_date")
    @classmethod
    def _close_date(cls, value: date | None) -> date | None:
        _first_message(validation.close_date_problems(value, today=datetime.now(UTC).date()))
        return value

    @field_validator("products")
    @classmethod
    def _products(cls, value: list[ProductIn]) -> list[ProductIn]:
        _first_message(validation.product_problems([p.sku for p in value]))
        _first_message(validation.amount_problems([(p.quantity, p.unit_price) for p in value], None))
        return value

    @field_validator("margin_pct")
    @classmethod
    def _margin_amount(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        products: list[ProductIn] = info.data.get("products") or []
        lines = [(p.quantity, p.unit_price) for p in products]
        _first_message([p for p in validation.amount_problems(lines, value) if p[0] == ("margin_pct",)])
        return value


class RepOut(Out):
    id: str
    email: str | None
    name: str | None


class CustomerOut(Out):
    name: str
    domain: str | None
    country: str | None


class ProductOut(Out):
    sku: str
    quantity: int
    unit_price: Amount


class DealOut(Out):
    """The deal. `conflicting_deal_ids` only to its vendor (and admin)."""

    id: str
    vendor_id: str
    partner_id: str
    rep: RepOut
    customer: CustomerOut
    products: list[ProductOut]
    currency: str
    amount: Amount
    margin_pct: str
    margin_amount: Amount
    status: DealStatus
    stage: DealStage
    conflict: bool
    conflict_reasons: list[str]
    expected_close_date: Day | None
    protection_expires_at: Time | None
    approval_due_at: Time | None
    approval_overdue_at: Time | None
    extensions_used: int
    decided_at: Time | None
    decision_reason: str | None
    final_amount: Amount | None
    closed_on: Day | None
    outcome: Outcome | None
    close_reason: str | None
    expired_at: Time | None
    external_ref: str | None
    notes: str | None
    created_at: Time
    updated_at: Time
    version: int
    conflicting_deal_ids: list[str] | None = None


class DealPage(Out):
    items: list[DealOut]
    next_cursor: str | None


class HistoryEntry(Out):
    type: str
    at: Time
    actor: str
    data: dict[str, Any]


class HistoryPage(Out):
    items: list[HistoryEntry]
    next_cursor: str | None


class DecisionIn(Strict):
    decision: Literal["approve", "reject"]
    reason: Reason | None = None


class StageIn(Strict):
    stage: Literal["qualified", "proposal", "negotiation"]
    note: Reason | None = None


class CloseIn(Strict):
    outcome: Literal["won", "lost"]
    final_amount: Money | None = None
    closed_on: date | None = None
    reason: Reason | None = None


class ExtendIn(Strict):
    reason: Reason | None = None


class PolicyIn(Strict):
    auto_approve_max_amount: Money | None = None
    auto_approve_tiers: list[Literal[1, 2, 3]] = Field(default_factory=list, max_length=3)
    auto_approve_currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    approval_sla: timedelta = timedelta(hours=96)
    on_sla_breach: Literal["escalate", "auto_approve", "auto_reject"] = "escalate"
    protection_period: timedelta = timedelta(days=90)
    max_extensions: int = Field(default=0, ge=0, le=100)
    extension_period: timedelta = timedelta(days=30)

    @field_validator("approval_sla", "protection_period", "extension_period")
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise ValueError("must be a positive ISO 8601 duration such as PT48H or P90D")
        if value > timedelta(days=3660):
            raise ValueError("must be at most ten years")
        return value

    @field_validator("auto_approve_currency")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is not None:
            _first_message(validation.currency_problems(value))
        return value


class PolicyOut(Out):
    vendor_id: str
    auto_approve_max_amount: Amount | None
    auto_approve_tiers: list[int]
    auto_approve_currency: str | None
    approval_sla: str
    on_sla_breach: str
    protection_period: str
    max_extensions: int
    extension_period: str
    default: bool
    version: int


class BatchIn(Strict):
    # Items stay raw here: each is validated on its own so one bad item never blocks the rest.
    items: list[dict[str, Any]] = Field(min_length=1, max_length=500)


class BatchResult(Out):
    """One item's answer: its deal (201) or its problem document; `replayed` when its key answered before."""

    index: int
    status: int
    deal: DealOut | None = None
    error: dict[str, Any] | None = None
    replayed: bool | None = None


class BatchOut(Out):
    results: list[BatchResult]
