"""Alembic, run programmatically: `python -m <service> migrate` and each service's env.py."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from importlib import resources
from typing import Any

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import async_engine_from_config

from events.retrying import STARTUP, STARTUP_PATIENCE, retrying_sync


def alembic_config(package: str, database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files(package) / "migrations"))
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


def upgrade_to_head(package: str, database_url: str) -> None:
    # Started with (or before) its database, e.g. as a Kubernetes job: wait for it a while. Each
    # migration runs in one transaction (PostgreSQL's DDL is transactional), so a retry is safe.
    retrying_sync(STARTUP, what="migrations", give_up_after=STARTUP_PATIENCE)(
        command.upgrade, alembic_config(package, database_url), "head"
    )


def run_env(target_metadata: MetaData | Sequence[MetaData]) -> None:
    """The body of every service's migrations/env.py (online, async engine)."""
    config = context.config
    url = config.get_main_option("sqlalchemy.url") or os.environ["DATABASE_URL"]
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()

    async def run_async() -> None:
        engine = async_engine_from_config(
            config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
        )
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run_async())


# Column types the services' migrations share.
TS = sa.DateTime(timezone=True)
MONEY = sa.Numeric(18, 2)


def create_platform_tables(op: Any) -> None:
    """The tables every service's first migration creates: outbox, processed_events, idempotency_keys."""
    from events.tables import create_outbox_table, create_processed_events_table
    from servicekit.idempotency import create_idempotency_table

    create_outbox_table(op)
    create_processed_events_table(op)
    create_idempotency_table(op)
