"""Use cases refuse with plain-Python kinds; a client sees each as the problem document a
route's own Problem would give (status, title, type, extension members, headers)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from servicekit import errors
from servicekit.problems import PROBLEM_JSON, Problem, install_problem_handlers


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (errors.BadRequest("Unreadable."), 400, "Bad Request"),
        (errors.Unauthenticated("Token please."), 401, "Unauthorized"),
        (errors.Forbidden("Not yours."), 403, "Forbidden"),
        (errors.NotFound("deal"), 404, "Not Found"),
        (errors.Conflict("It changed.", current_version=3), 409, "Conflict"),
        (errors.PreconditionFailed("Version 2 is not 3.", current_version=3), 412, "Precondition Failed"),
        (errors.TooLarge("Too big."), 413, "Request Entity Too Large"),
        (errors.invalid(["body", "amount"], "must be positive"), 422, "Unprocessable Content"),
        (errors.PreconditionRequired("If-Match is required."), 428, "Precondition Required"),
        (errors.TooManyRequests("Slow down.", headers={"Retry-After": "7"}), 429, "Too Many Requests"),
    ],
)
def test_each_kind_answers_with_its_status_and_the_same_document_a_problem_gives(
    error: errors.DomainError, status: int, title: str
) -> None:
    app = FastAPI(telemetry={"tracing": False})
    install_problem_handlers(app)

    @app.get("/kind")
    async def kind() -> None:
        raise error

    @app.get("/problem")
    async def problem() -> None:
        raise Problem(status, error.detail, title=error.title, type_=error.type, headers=error.headers, **error.extra)

    client = TestClient(app)
    by_kind, by_problem = client.get("/kind"), client.get("/problem")
    assert by_kind.status_code == status
    assert by_kind.headers["content-type"] == PROBLEM_JSON
    body = by_kind.json()
    assert body["status"] == status and body["title"] == title and body["detail"] == error.detail
    assert body == {**by_problem.json(), "instance": "/kind"}
    assert by_kind.headers.get("retry-after") == by_problem.headers.get("retry-after")


def test_an_invalid_input_names_each_field() -> None:
    error = errors.InvalidInput(
        [{"loc": ["body", "amount"], "msg": "must be positive"}, {"loc": ["body", "currency"], "msg": "unknown"}]
    )
    assert error.body()["type"] == "/problems/validation-error"
    assert [e["loc"] for e in error.body()["errors"]] == [["body", "amount"], ["body", "currency"]]


def test_the_kinds_module_imports_no_web_framework() -> None:
    # Use cases import it; import-linter checks the layers, this checks the module's own imports.
    source = errors.__file__
    assert source is not None
    with open(source) as module:
        imports = [line for line in module if line.startswith(("import ", "from "))]
    assert not [line for line in imports if "fastapi" in line or "starlette" in line]
