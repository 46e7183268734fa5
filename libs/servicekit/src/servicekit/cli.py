"""`python -m <service> serve | migrate | openapi`: one command line for every service."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from servicekit.settings import ServiceSettings


def serve_options(settings: ServiceSettings) -> dict[str, Any]:
    """uvicorn's options for a service (also what the tests run the app with)."""
    return {
        "host": settings.host,
        "port": settings.port,
        "loop": "uvloop",
        "http": "httptools",
        "log_config": None,
        "access_log": False,
        "timeout_graceful_shutdown": 10,
        # The client address (rate limits of callers without a token, logs) is X-Forwarded-For's,
        # but only when the connection comes from a trusted proxy (FORWARDED_ALLOW_IPS: the Ingress).
        "proxy_headers": True,
        "forwarded_allow_ips": settings.forwarded_allow_ips,
    }


def run_cli(package: str, settings_factory: Callable[[], ServiceSettings], app_factory: Callable[[], FastAPI]) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m {package}")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("serve", help="run the HTTP service (HOST, PORT from the environment)")
    sub.add_parser("migrate", help="apply the database migrations (alembic upgrade head)")
    sub.add_parser("openapi", help="print the OpenAPI document")
    args = parser.parse_args()
    settings = settings_factory()
    if args.command == "migrate":
        from servicekit.migrate import upgrade_to_head

        upgrade_to_head(package, settings.database_url)
    elif args.command == "openapi":
        # Only prints a document, never serves: the start-up refusal of development secrets does not apply.
        os.environ.setdefault("ENVIRONMENT", "development")
        json.dump(app_factory().openapi(), sys.stdout, indent=2)
    else:
        import uvicorn

        uvicorn.run(f"{package}.main:create_app", factory=True, **serve_options(settings))
