"""The service's database engine and sessions (SQLModel on PostgreSQL through asyncpg)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import asyncpg
from fastapi import Depends, Request
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.ext.asyncio import AsyncSession as SqlAlchemySession
from sqlmodel.ext.asyncio.session import AsyncSession

from servicekit.idempotency import request_transaction
from servicekit.settings import ServiceSettings


def make_engine(settings: ServiceSettings) -> AsyncEngine:
    return create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # No pre-ping: asyncpg's costs three round trips (BEGIN, SELECT, ROLLBACK) per checkout. After a
        # database restart the first statement on a dead connection fails instead, SQLAlchemy then
        # discards the whole pool, consumers retry (a transient error) and HTTP clients get a 500
        # that their Idempotency-Key makes safe to retry.
        pool_pre_ping=False,
        pool_recycle=1800,
        # An error's message (logged, and in a 500's trace) never carries the statement's values:
        # they can be secrets, tokens' subjects or a customer's data.
        hide_parameters=True,
        connect_args={"server_settings": {"application_name": settings.service_name, "timezone": "UTC"}},
    )


async def make_raw_pool(settings: ServiceSettings) -> asyncpg.Pool:
    """A plain asyncpg pool, for a hot path whose few fixed statements SQLAlchemy would slow down."""
    return await asyncpg.create_pool(
        settings.asyncpg_dsn,
        min_size=1,
        max_size=max(2, settings.db_pool_size // 2),  # beside the engine's pool: unkeyed requests only
        max_inactive_connection_lifetime=300,
        server_settings={"application_name": settings.service_name, "timezone": "UTC"},
        reset=_end_open_transaction,
    )


async def _end_open_transaction(connection: asyncpg.Connection) -> None:
    """The pool's reset on release, without asyncpg's default round trip (unlock all, UNLISTEN, RESET ALL):
    this pool's users keep no session state (transaction-scoped locks only), so only an open
    transaction, if one was left, needs ending."""
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def _session(request: Request) -> AsyncIterator[AsyncSession]:
    factory: async_sessionmaker[AsyncSession] = request.app.state.sessions
    keyed = request_transaction()
    if keyed is not None:
        # A POST with an Idempotency-Key: its writes join the transaction that holds the key, and
        # commit with the stored response (the session's own commit is not propagated; a rollback is).
        async with factory(bind=keyed.connection, join_transaction_mode="rollback_only") as session:
            yield session
        return
    async with factory() as session:
        yield session


async def lock_name(db: SqlAlchemySession | AsyncConnection, name: str) -> None:
    """A transaction-scoped advisory lock on a name. SELECT ... FOR UPDATE locks only a row that
    exists: this also serialises the first write of a versioned document, so that of two racing
    `If-Match: 0` PUTs the second sees version 1 (412) instead of failing on the duplicate key."""
    await db.execute(select(func.pg_advisory_xact_lock(func.hashtext(name))))


DbSession = Annotated[AsyncSession, Depends(_session)]
