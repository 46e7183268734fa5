"""The outbox and processed-events tables every service's database holds.

Declared once here (SQLModel metadata, for alembic) with `create_*` helpers that a
service's first migration calls, so the DDL is not written four times.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

OUTBOX_CHANNEL = "outbox"


class OutboxRow(SQLModel, table=True):
    __tablename__ = "outbox"

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    event_id: str = Field(sa_column=sa.Column(sa.Text, nullable=False, unique=True))
    topic: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    key: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    payload: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
    traceparent: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    created_at: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    )
    sent_at: datetime | None = Field(default=None, sa_column=sa.Column(sa.DateTime(timezone=True)))


class ProcessedEvent(SQLModel, table=True):
    __tablename__ = "processed_events"

    consumer: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    event_id: str = Field(sa_column=sa.Column(sa.Text, primary_key=True))
    event_type: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    processed_at: datetime = Field(
        sa_column=sa.Column(sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now())
    )


def create_outbox_table(op: Any) -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", sa.Text, nullable=False, unique=True),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("key", sa.Text),
        sa.Column("payload", sa.LargeBinary, nullable=False),
        sa.Column("traceparent", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("sent_at", sa.DateTime(timezone=True)),
    )
    # The relay only ever looks at unsent rows, in id order: keep that index tiny.
    op.create_index("outbox_unsent", "outbox", ["id"], postgresql_where=sa.text("sent_at IS NULL"))


def create_processed_events_table(op: Any) -> None:
    op.create_table(
        "processed_events",
        sa.Column("consumer", sa.Text, primary_key=True),
        sa.Column("event_id", sa.Text, primary_key=True),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )


__all__ = [
    "OUTBOX_CHANNEL",
    "OutboxRow",
    "ProcessedEvent",
    "create_outbox_table",
    "create_processed_events_table",
]
