"""dealreg integration fixtures: an in-process dealreg on a fresh database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import pytest
from dealreg_scene import Scene


@pytest.fixture
async def scene(service_client: Callable[..., Any], token: Callable[..., dict[str, str]]) -> AsyncIterator[Scene]:
    async with service_client("dealreg") as (client, app):
        yield Scene(client, app, token)


@pytest.fixture
async def fast_scene(service_client: Callable[..., Any], token: Callable[..., dict[str, str]]) -> AsyncIterator[Scene]:
    """A dealreg whose scheduler runs every 200 ms."""
    async with service_client("dealreg", scheduler_interval=timedelta(milliseconds=200)) as (client, app):
        yield Scene(client, app, token)
