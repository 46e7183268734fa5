"""notifications's tables (SQLModel). Times are timestamptz (UTC)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from events.tables import ProcessedEvent
from notifications.adapters.secret_box import SealedText
from notifications.domain.model import DeliveryStatus, SubscriptionStatus

__all__ = ["DeliveryRow", "DeliveryStatus", "ReceivedEventRow", "ServiceTable", "SubscriptionRow", "SubscriptionStatus"]


class ServiceTable(SQLModel, registry=registry()):
    """Base of notifications's tables: its own metadata, so no other service's table names can clash with them."""


def _ts(nullable: bool = False) -> Any:
    return sa.Column(sa.DateTime(timezone=True), nullable=nullable)


def _id() -> Any:
    return sa.Column(sa.Text, primary_key=True)


def _text(nullable: bool = False) -> Any:
    return sa.Column(sa.Text, nullable=nullable)


def _int(nullable: bool = False) -> Any:
    return sa.Column(sa.Integer, nullable=nullable)


def _seq() -> Any:
    """The order rows are written in, taken from an identity."""
    return sa.Column(sa.BigInteger, sa.Identity(), unique=True)


class SubscriptionRow(ServiceTable, table=True):
    __tablename__ = "subscriptions"

    id: str = Field(sa_column=_id())
    # Who may see and manage it ("vendor:v-1", "partner:p-1", "aggregator:<sub>", "admin:<sub>").
    owner_key: str = Field(sa_column=_text())
    owner_role: str = Field(sa_column=_text())
    owner_vendor_id: str | None = Field(default=None, sa_column=_text(True))
    owner_partner_id: str | None = Field(default=None, sa_column=_text(True))
    owner_partner_ids: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    url: str = Field(sa_column=_text())
    event_types: list[str] = Field(sa_column=sa.Column(ARRAY(sa.Text), nullable=False))
    description: str | None = Field(default=None, sa_column=_text(True))
    # Encrypted at rest (WEBHOOK_SECRET_KEYS); the ORM encrypts and decrypts them.
    secret: str = Field(sa_column=sa.Column(SealedText, nullable=False))
    previous_secret: str | None = Field(default=None, sa_column=sa.Column(SealedText))
    previous_secret_expires_at: datetime | None = Field(default=None, sa_column=_ts(True))
    status: str = Field(sa_column=_text())
    disabled_reason: str | None = Field(default=None, sa_column=_text(True))
    # First failed attempt of the current run of failures (None after a success).
    failing_since: datetime | None = Field(default=None, sa_column=_ts(True))
    last_success_at: datetime | None = Field(default=None, sa_column=_ts(True))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())
    version: int = Field(sa_column=_int())


class ReceivedEventRow(ServiceTable, table=True):
    """Every event consumed, as received: deliveries send these bytes; replay reads them back."""

    __tablename__ = "received_events"

    id: str = Field(sa_column=_id())
    # Taken in the order events arrive (a deal's events come in order, from one partition).
    seq: int | None = Field(default=None, sa_column=_seq())
    type: str = Field(sa_column=_text())
    # The CloudEvent subject (the deal id): a subscription gets one subject's events in order.
    subject: str | None = Field(default=None, sa_column=_text(True))
    time: datetime = Field(sa_column=_ts())
    vendor_id: str | None = Field(default=None, sa_column=_text(True))
    partner_id: str | None = Field(default=None, sa_column=_text(True))
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    traceparent: str | None = Field(default=None, sa_column=_text(True))
    received_at: datetime = Field(sa_column=_ts())


class DeliveryRow(ServiceTable, table=True):
    """One event to one subscription; a row before it is ever attempted."""

    __tablename__ = "deliveries"

    id: str = Field(sa_column=_id())
    seq: int | None = Field(default=None, sa_column=_seq())
    subscription_id: str = Field(sa_column=sa.Column(sa.Text, sa.ForeignKey("subscriptions.id"), nullable=False))
    event_id: str = Field(sa_column=sa.Column(sa.Text, sa.ForeignKey("received_events.id"), nullable=False))
    event_type: str = Field(sa_column=_text())
    # The event's subject: while an earlier (lower seq) delivery of the same subscription and
    # subject is pending, this one waits (pending with next_attempt_at NULL).
    subject: str | None = Field(default=None, sa_column=_text(True))
    status: str = Field(sa_column=_text())
    attempts: int = Field(sa_column=_int())
    # NULL while pending means waiting for an earlier delivery of the same subject.
    next_attempt_at: datetime | None = Field(default=None, sa_column=_ts(True))
    # Claimed by a worker until then; an expired lease means the worker died.
    lease_until: datetime | None = Field(default=None, sa_column=_ts(True))
    last_attempt_at: datetime | None = Field(default=None, sa_column=_ts(True))
    last_status_code: int | None = Field(default=None, sa_column=_int(True))
    last_error: str | None = Field(default=None, sa_column=_text(True))
    created_at: datetime = Field(sa_column=_ts())
    updated_at: datetime = Field(sa_column=_ts())


# The consumer's processed_events belongs to notifications' tables too (the migrations' metadata);
# the shared outbox does not: notifications publishes nothing.
ProcessedEvent.__table__.to_metadata(ServiceTable.metadata)  # type: ignore[attr-defined]
