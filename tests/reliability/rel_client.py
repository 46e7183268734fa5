"""A deal-registration client that behaves like a careful real one during outages.

Each deal gets one Idempotency-Key, reused on every retry after a connection error or a
5xx. A 409 "still in flight" (the process that held the key died mid-request) is retried
with the same key for a while, then with a fresh key: dealreg's own duplicate rule then
answers 409 with `existing_deal_id` if the first attempt had committed, which the client
takes as its registration.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx


@dataclass
class Outcome:
    customer: str
    deal_id: str | None = None
    attempts: int = 0
    errors: list[str] = field(default_factory=list)


@dataclass
class RegistrationClient:
    base_url: str
    headers: dict[str, str]
    deadline_s: float = 120.0
    in_flight_patience: int = 3
    outcomes: list[Outcome] = field(default_factory=list)

    async def register(self, http: httpx.AsyncClient, body: dict[str, Any]) -> Outcome:
        outcome = Outcome(customer=body["customer"]["name"])
        self.outcomes.append(outcome)
        key = str(uuid.uuid4())
        in_flight = 0
        delay = 0.2
        deadline = time.monotonic() + self.deadline_s
        while time.monotonic() < deadline:
            outcome.attempts += 1
            try:
                r = await http.post(
                    f"{self.base_url}/v1/deals", json=body, headers={**self.headers, "Idempotency-Key": key}, timeout=10
                )
            except httpx.TransportError as exc:
                outcome.errors.append(type(exc).__name__)
            else:
                if r.status_code == 201:
                    outcome.deal_id = r.json()["id"]
                    return outcome
                problem = r.json() if r.headers.get("content-type", "").endswith("json") else {}
                if r.status_code == 409 and problem.get("existing_deal_id"):
                    outcome.deal_id = str(problem["existing_deal_id"])
                    return outcome
                if r.status_code == 409:
                    in_flight += 1
                    if in_flight >= self.in_flight_patience:
                        key, in_flight = str(uuid.uuid4()), 0
                elif r.status_code < 500:
                    raise AssertionError(f"registration refused: {r.status_code} {r.text}")
                outcome.errors.append(str(r.status_code))
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
        raise AssertionError(f"{outcome.customer}: not registered within {self.deadline_s} s: {outcome.errors}")
