"""The published contract, generated from the code: `python -m devstack.apidocs [--check]` (make docs).

- schemas/events/<type>.v1.json: each event type's data schema (events.schemas.event_schema);
- docs/asyncapi.yaml: the AsyncAPI 3.0 document of the topics (events.asyncapi);
- docs/openapi/<service>.json: each service's OpenAPI 3.1 document (what `/openapi.json` serves),
  which clients/python is generated from (`make sdk`).

`--check` writes nothing and exits 1, naming each stale file, when a committed file differs from
what the code generates now (the tests do the same, file by file).
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any

from devstack.infra import ROOT, SERVICES

SCHEMAS_DIR = ROOT / "schemas" / "events"
ASYNCAPI = ROOT / "docs" / "asyncapi.yaml"
OPENAPI_DIR = ROOT / "docs" / "openapi"


def _json(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def event_schema_files() -> dict[Path, str]:
    from events.schemas import DATA_MODELS, SCHEMA_VERSION, event_schema

    return {SCHEMAS_DIR / f"{t}.v{SCHEMA_VERSION}.json": _json(event_schema(t)) for t in sorted(DATA_MODELS)}


def asyncapi_file() -> dict[Path, str]:
    from events.asyncapi import render

    return {ASYNCAPI: render()}


def openapi_document(service: str) -> dict[str, Any]:
    """The service's OpenAPI document, as its `/openapi.json` serves it (no database needed)."""
    settings_class = importlib.import_module(f"{service}.config").Settings
    create_app = importlib.import_module(f"{service}.main").create_app
    # Development settings: the document does not depend on secrets, and production ones need real keys.
    app = create_app(settings_class(environment="development"))
    document: dict[str, Any] = app.openapi()
    return document


def openapi_files() -> dict[Path, str]:
    return {OPENAPI_DIR / f"{s}.json": _json(openapi_document(s)) for s in SERVICES}


def generated() -> dict[Path, str]:
    return {**event_schema_files(), **asyncapi_file(), **openapi_files()}


def stale(files: dict[Path, str]) -> list[Path]:
    return [p for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]


def main(argv: list[str]) -> int:
    files = generated()
    if "--check" in argv:
        out_of_date = stale(files)
        for path in out_of_date:
            print(f"stale: {path.relative_to(ROOT)} (run `make docs`)", file=sys.stderr)
        return 1 if out_of_date else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    print(f"wrote {len(files)} files")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv[1:]))
