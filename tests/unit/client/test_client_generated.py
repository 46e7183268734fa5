"""clients/python's generated packages are those of the committed OpenAPI documents (`make sdk`).

The documents are tested against the apps (tests/unit/libs/test_libs_openapi_documents.py), and
SOURCES.sha256 records the documents the clients were generated from: a changed API fails here
until the client is regenerated."""

from __future__ import annotations

import importlib
import json

import pytest

from devstack.apidocs import OPENAPI_DIR
from devstack.infra import SERVICES
from devstack.sdk import GENERATED, SOURCES, document_hashes

METHODS = {"get", "put", "post", "patch", "delete"}


def test_the_clients_were_generated_from_the_committed_documents() -> None:
    assert SOURCES.read_text(encoding="utf-8") == document_hashes(), "clients/python is stale: run `make sdk`"


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_has_its_typed_function(service: str) -> None:
    document = json.loads((OPENAPI_DIR / f"{service}.json").read_text(encoding="utf-8"))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            tag = operation["tags"][0].replace(" ", "_")
            module = importlib.import_module(
                f"channel_platform_client.generated.{service}.api.{tag}.{operation['operationId']}"
            )
            for function in ("sync_detailed", "asyncio_detailed"):
                assert callable(getattr(module, function)), f"{method} {path}"
    assert (GENERATED / service / "py.typed").exists()
