"""Typed `data` of every event type in the contract.

Deal events carry the whole deal as GET /v1/deals/{id} returns it, plus `partner`.
Models accept unknown fields (the contract only ever adds), and money is a decimal
string on the wire and `Decimal` here.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, TypeAdapter

from events.envelope import CloudEvent
from events.topics import DEAL_EVENT_TYPES
from events.vocabulary import DealStage, DealStatus, Outcome


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class PartnerRef(_Open):
    id: str
    tier: int
    territory: str | None = None
    region: str | None = None
    channel_manager: str | None = None


class RepRef(_Open):
    id: str
    email: str | None = None
    name: str | None = None


class ProductLine(_Open):
    sku: str
    quantity: int
    unit_price: Decimal


class CustomerRef(_Open):
    name: str
    domain: str | None = None
    country: str | None = None


class DealEventData(_Open):
    """The deal (as the API returns it) plus the registering partner's attributes."""

    id: str
    vendor_id: str
    partner_id: str
    rep: RepRef
    customer: CustomerRef
    products: list[ProductLine]
    currency: str
    amount: Decimal
    margin_pct: Decimal
    margin_amount: Decimal
    status: DealStatus
    stage: DealStage
    conflict: bool = False
    expected_close_date: date | None = None
    protection_expires_at: datetime | None = None
    approval_due_at: datetime | None = None
    extensions_used: int = 0
    created_at: datetime
    updated_at: datetime
    version: int
    final_amount: Decimal | None = None
    closed_on: date | None = None
    outcome: Outcome | None = None
    reason: str | None = None
    partner: PartnerRef


class RewardData(_Open):
    """reward-earned and reward-clawed-back: one ledger entry as the rep sees it."""

    entry_id: str
    deal_id: str
    rep_id: str
    partner_id: str
    vendor_id: str
    program_id: str
    kind: Literal["registration", "stage_bonus", "close_bonus", "clawback", "adjustment"]
    stage: str | None = None
    amount: Decimal
    currency: str
    source_event_id: str


class PayoutCreatedData(_Open):
    payout_id: str
    vendor_id: str
    up_to: datetime
    currency: str
    total: Decimal
    line_count: int


class PipelineFiguresData(_Open):
    """pipeline-updated and pipeline-at-risk: a partner's figures for one period."""

    partner_id: str
    vendor_id: str
    period: str
    coverage: Decimal | None = None
    at_risk_threshold: Decimal | None = None
    figures: dict[str, Any] = {}


class PartnerEnrolmentData(_Open):
    """partner-enrolled and partner-updated: a partner's terms with one vendor.

    `version` is the enrolment's version in dealreg: a consumer keeps the highest it saw,
    so a replayed or reordered event never rolls terms back.
    """

    partner_id: str
    vendor_id: str
    name: str | None = None
    tier: int
    territory: str | None = None
    region: str | None = None
    channel_manager: str | None = None
    version: int = 1
    updated_at: datetime


DATA_MODELS: dict[str, type[_Open]] = {
    **dict.fromkeys(DEAL_EVENT_TYPES, DealEventData),
    "reward-earned": RewardData,
    "reward-clawed-back": RewardData,
    "payout-created": PayoutCreatedData,
    "pipeline-updated": PipelineFiguresData,
    "pipeline-at-risk": PipelineFiguresData,
    "partner-enrolled": PartnerEnrolmentData,
    "partner-updated": PartnerEnrolmentData,
}


class UnknownEventType(ValueError):
    pass


def parse_data(event: CloudEvent) -> _Open:
    """Validate an event's data against its type's schema (pydantic.ValidationError if bad)."""
    model = DATA_MODELS.get(event.type)
    if model is None:
        raise UnknownEventType(f"unknown event type {event.type!r}")
    return model.model_validate(event.data)


def sort_enums(node: Any) -> None:
    """Every `enum` of a JSON Schema (or a document holding some) in a stable order, in place.

    Literal types with the same members compare equal, so pydantic's caches may give a model
    the member order another module wrote: sorted, a generated schema is the same whatever
    was imported first (committed schemas and documents are compared with generated ones).
    """
    if isinstance(node, dict):
        values = node.get("enum")
        if isinstance(values, list):
            node["enum"] = sorted(values, key=lambda v: (type(v).__name__, str(v)))
        for value in node.values():
            sort_enums(value)
    elif isinstance(node, list):
        for value in node:
            sort_enums(value)


JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_VERSION = 1


def event_schema(event_type: str) -> dict[str, Any]:
    """The published JSON Schema of an event type's `data`, as producers serialise it.

    Serialisation mode: money is a decimal string on the wire, whatever a consumer's model reads.
    Committed as schemas/events/<type>.v1.json and served by the producer (its `dataschema`).
    """
    model = DATA_MODELS.get(event_type)
    if model is None:
        raise UnknownEventType(f"unknown event type {event_type!r}")
    schema = TypeAdapter(model).json_schema(mode="serialization")
    sort_enums(schema)
    description = schema.pop("description", "")
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        **schema,
        "title": f"{event_type} v{SCHEMA_VERSION}: the CloudEvent's data",
        "description": f"{description}\n\nUnknown properties may appear: a consumer ignores what it does not know.",
    }


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema of every event type's data, for documentation and consumers."""
    return {t: event_schema(t) for t in DATA_MODELS}
