"""GET /dashboard (the page, with its settings injected) and its static JS and CSS.

The page holds no data and needs no token: it calls the JSON APIs from the browser
with the token the user pastes, so it may be served to anyone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from pipeline.dashboard.settings import DashboardSettings
from pipeline.domain.periods import current_period
from servicekit.problems import not_found

router = APIRouter(include_in_schema=False)

# Only these files are served; nothing else in the package is reachable by name.
STATIC_TYPES = {
    "dashboard.js": "text/javascript; charset=utf-8",
    "dashboard.css": "text/css; charset=utf-8",
}


@cache
def _static(name: str) -> bytes:
    return files("pipeline.dashboard").joinpath("static", name).read_bytes()


def dashboard_settings() -> DashboardSettings:
    return DashboardSettings()


def _config_json(settings: DashboardSettings) -> str:
    config = {
        "incentivesUrl": settings.incentives_public_url,
        "pipelineUrl": "",  # same origin
        "defaultPeriod": str(current_period(datetime.now(UTC))),
    }
    # Inside <script type="application/json">: "<" must not open a tag.
    return json.dumps(config).replace("<", "\\u003c")


def content_security_policy(settings: DashboardSettings) -> str:
    # No inline script, no third party: the token in sessionStorage can only go to these two APIs.
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {settings.incentives_origin}",
            "form-action 'none'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ]
    )


@router.get("/dashboard", response_class=HTMLResponse)
async def dashboard_page(settings: Annotated[DashboardSettings, Depends(dashboard_settings)]) -> HTMLResponse:
    html = _static("dashboard.html").decode().replace("{{CONFIG_JSON}}", _config_json(settings))
    return HTMLResponse(
        html,
        headers={
            "Content-Security-Policy": content_security_policy(settings),
            "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-cache",
        },
    )


@router.get("/dashboard/static/{name}")
async def dashboard_static(name: str) -> Response:
    media_type = STATIC_TYPES.get(name)
    if media_type is None:
        raise not_found("file")
    return Response(
        _static(name),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"},
    )
