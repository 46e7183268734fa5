"""A database error never carries the statement's values: not in the exception, not in the log."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import asyncpg
import pytest
import sqlalchemy as sa
import structlog
from sqlalchemy.exc import DBAPIError

from servicekit.db import make_engine
from servicekit.settings import ServiceSettings
from servicekit.telemetry import setup_logging

VALUE = "whsec_TopSecretValue0123"


async def test_sqlalchemy_errors_hide_the_parameters(make_db: Any) -> None:
    engine = make_engine(ServiceSettings(database_url=await make_db("notifications")))
    try:
        async with engine.connect() as conn:
            with pytest.raises(DBAPIError) as caught:
                await conn.execute(sa.text("SELECT CAST(:v AS text) WHERE 1 / 0 = 1"), {"v": VALUE})
    finally:
        await engine.dispose()
    assert VALUE not in str(caught.value)


async def test_logged_driver_errors_do_not_quote_the_values(
    make_db: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    dsn = (await make_db("notifications")).replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn)
    setup_logging("test", json_logs=True)
    try:
        for sql in ("SELECT $1::int", "SELECT CAST($1::text AS uuid)"):
            with pytest.raises((asyncpg.PostgresError, asyncpg.DataError)) as caught:
                await conn.fetch(sql, VALUE)
            assert VALUE in str(caught.value)  # the driver's own message quotes it...
            try:
                raise caught.value
            except Exception:
                structlog.get_logger("t").exception("statement failed")
    finally:
        await conn.close()
        logging.getLogger().handlers[:] = [logging.StreamHandler(io.StringIO())]
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(lines) == 2
    for line in lines:
        assert VALUE not in json.dumps(line)  # ...the log line does not
        assert "[redacted]" in line["exception"]
