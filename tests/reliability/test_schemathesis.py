"""Schemathesis against each service's own OpenAPI document: generated requests (valid and
invalid), sent with an admin token, never get a 5xx and every response matches the schema."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from rel_infra import admin_headers
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from devstack.processes import Stack

EXAMPLES_PER_OPERATION = 12
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass
class Tally:
    operations: int = 0
    cases: int = 0
    failures: list[str] = field(default_factory=list)


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, bytes):
        return b"\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def fuzz(base_url: str, tally: Tally) -> None:
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    headers = admin_headers()
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operation = result.ok()
        tally.operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode)

            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
                phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            )
            @given(case=strategy)
            def run(case: schemathesis.Case[Any]) -> None:
                # NUL in a header cannot be sent over HTTP at all; everywhere else it must be a 4xx.
                hypothesis.assume(not _has_nul(case.headers))
                tally.cases += 1
                response = case.call(base_url=base_url, headers=headers, timeout=15)
                try:
                    case.validate_response(response, checks=CHECKS)
                except (AssertionError, BaseExceptionGroup) as exc:  # one Failure, or a FailureGroup
                    failures = getattr(exc, "exceptions", None) or [exc]
                    kinds = ", ".join(sorted({type(f).__name__ for f in failures}))
                    tally.failures.append(
                        f"{case.method} {case.formatted_path} -> {response.status_code} "
                        f"{response.headers.get('content-type')}: {kinds} | "
                        f"query={case.query} body={str(case.body)[:150]} response={response.text[:200]}"
                    )

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                # No invalid request exists for an operation without inputs: nothing to send.
                assert mode is GenerationMode.NEGATIVE, operation.label


@pytest.mark.parametrize("service", ["dealreg", "incentives", "pipeline", "notifications"])
def test_generated_requests_get_no_server_error_and_conforming_responses(rel_stack: Stack, service: str) -> None:
    tally = Tally()
    fuzz(rel_stack.services[service].url, tally)
    print(
        f"\nschemathesis {service}: {tally.operations} operations, {tally.cases} cases, {len(tally.failures)} failures"
    )
    for failure in dict.fromkeys(tally.failures):
        print("  ", failure)
    assert tally.operations > 0 and tally.cases > tally.operations
    assert not tally.failures, "\n".join(dict.fromkeys(tally.failures))
