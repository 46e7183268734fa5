"""The answer of an operation, checked: the model you expected, or an `ApiProblem` to handle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Protocol, TypeVar

T_co = TypeVar("T_co", covariant=True)
M = TypeVar("M")


class Answer(Protocol[T_co]):
    """What every generated `*_detailed` function returns (each service has its own Response class)."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def parsed(self) -> T_co | None: ...


class ApiProblem(Exception):
    """An RFC 9457 problem the API answered: `status`, `title`, `detail` and, for 422, `errors`."""

    def __init__(self, status: int, body: Mapping[str, Any], headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.body = dict(body)
        self.headers = dict(headers or {})
        self.title: str = str(body.get("title", ""))
        self.detail: str = str(body.get("detail", ""))
        self.errors: list[dict[str, Any]] = list(body.get("errors") or [])
        super().__init__(f"{status} {self.title}: {self.detail}")

    @classmethod
    def of(cls, answer: Answer[Any]) -> ApiProblem:
        try:
            body = json.loads(answer.content) if answer.content else {}
        except ValueError:
            body = {"detail": answer.content[:500].decode("utf-8", "replace")}
        return cls(int(answer.status_code), body if isinstance(body, dict) else {"detail": str(body)}, answer.headers)


def expect(answer: Answer[Any], model: type[M], *statuses: int) -> M:
    """The answer's body as `model` when its status is one of `statuses` (any 2xx if none given);
    otherwise the problem the API answered, raised as `ApiProblem`."""
    status = int(answer.status_code)
    wanted = status in statuses if statuses else 200 <= status < 300
    if not wanted or not isinstance(answer.parsed, model):
        raise ApiProblem.of(answer)
    return answer.parsed
