"""Debian's chromium, headless, driven by playwright (which never downloads a browser here)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from playwright.async_api import BrowserContext, async_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / ".cache" / "screenshots"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_binary() -> str:
    """The system chromium (infra/chromium.sh installs it during make bootstrap)."""
    candidates = [os.environ.get("CHROMIUM_BIN"), shutil.which("chromium"), shutil.which("chromium-browser")]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise AssertionError("chromium is not installed: run `make bootstrap` (infra/chromium.sh installs Debian's)")


@contextlib.asynccontextmanager
async def headless_chromium() -> AsyncIterator[BrowserContext]:
    """A fresh profile each time, so no earlier sessionStorage, cache or cookie leaks in."""
    with tempfile.TemporaryDirectory(prefix="dashboard-chromium-") as profile:
        async with async_playwright() as p:
            context = await p.chromium.launch_persistent_context(
                profile,
                executable_path=chromium_binary(),
                headless=True,
                args=CHROMIUM_FLAGS,
                viewport={"width": 1280, "height": 900},
            )
            try:
                yield context
            finally:
                await context.close()


def point_dashboard_at_incentives(stack: Any) -> None:
    """The page calls incentives at INCENTIVES_PUBLIC_URL; the e2e stack's incentives is on 18002.

    Restarts the pipeline process with that setting unless the stack already passes it.
    """
    pipeline = stack.services["pipeline"]
    wanted = stack.services["incentives"].url
    if pipeline.env.get("INCENTIVES_PUBLIC_URL") == wanted:
        return
    pipeline.stop()
    pipeline.env = {**pipeline.env, "INCENTIVES_PUBLIC_URL": wanted}
    pipeline.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{pipeline.url}/readyz", timeout=1).status_code == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"pipeline did not come back after its restart; see {pipeline.log_path}")
