"""Tenant isolation, table-driven over the endpoints of all four services: objects created by
tenant A (vendor ten-a, partner p-ten-a) are read or written by tenant B (vendor ten-b, partner
p-ten-b) of the same role; every such request answers 404, as if the object did not exist."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from rel_infra import admin_headers

from devstack.processes import Stack
from devstack.tokens import dev_token
from support.receivers import WebhookReceiver
from support.scenario import PROGRAM, partner_profile, registration

PERIOD = "2030Q1"


def bearer(role: str, sub: str, **claims: Any) -> dict[str, str]:
    return {"Authorization": f"Bearer {dev_token(role, sub=sub, **claims)}"}


CALLERS = {
    "vendor": bearer("vendor", "ops-b", vendor_id="ten-b"),
    "partner": bearer("partner", "rep-ten-b", partner_id="p-ten-b"),
    "aggregator": bearer("aggregator", "agg-b", partner_ids=["p-ten-b"]),
}


@dataclass(frozen=True)
class TenantA:
    deal: str
    program: str
    subscription: str
    delivery: str
    payout: str
    proposal: str


def _ok(r: httpx.Response, *codes: int) -> dict[str, Any]:
    assert r.status_code in (codes or (200, 201)), r.text
    return dict(r.json())


def _eventually(check: Any, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    raise AssertionError("not within the time limit")


@pytest.fixture(scope="module")
def tenant_a(rel_stack: Stack) -> Iterator[TenantA]:
    url = {n: p.url for n, p in rel_stack.services.items()}
    admin = admin_headers()
    vendor_a = bearer("vendor", "ops-a", vendor_id="ten-a")
    partner_a = bearer("partner", "rep-ten-a", partner_id="p-ten-a")
    hook = WebhookReceiver().start()
    with httpx.Client(timeout=30) as http:
        for partner, vendor in (("p-ten-a", "ten-a"), ("p-ten-b", "ten-b")):
            _ok(http.put(f"{url['dealreg']}/v1/partners/{partner}", json=partner_profile(vendor), headers=admin))
        program = _ok(
            http.post(f"{url['incentives']}/v1/programs", json={**PROGRAM, "vendor_id": "ten-a"}, headers=admin)
        )
        sub = _ok(
            http.post(
                f"{url['notifications']}/v1/subscriptions",
                json={"url": hook.url, "event_types": ["deal-registered"]},
                headers=vendor_a,
            )
        )
        deal = _ok(
            http.post(
                f"{url['dealreg']}/v1/deals", json=registration("Tenant A Corp", vendor_id="ten-a"), headers=partner_a
            )
        )
        _ok(http.put(f"{url['dealreg']}/v1/vendors/ten-a/approval-policy", json={}, headers=vendor_a))
        _ok(http.put(f"{url['pipeline']}/v1/vendors/ten-a/pipeline-policy", json={}, headers=vendor_a))
        # A plan needs p-ten-a's enrolment with ten-a, which reaches the pipeline on partners.v1
        # a moment after dealreg's PUT: 404 until then (v1.1).
        deadline = time.monotonic() + 30
        while True:
            plan = http.put(
                f"{url['pipeline']}/v1/plans/p-ten-a/{PERIOD}",
                json={"vendor_id": "ten-a", "revenue_target": "100000.00", "currency": "USD"},
                headers=vendor_a,
            )
            if plan.status_code != 404 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        _ok(plan)
        _ok(http.put(f"{url['incentives']}/v1/vendors/ten-a/incentive-policy", json={"min_roi": "0"}, headers=vendor_a))
        proposal = _ok(
            http.post(
                f"{url['incentives']}/v1/program-proposals",
                json={
                    # v1.1: within the vendor's ceilings, with a budget and a cap, paid on approval.
                    "program": {**PROGRAM, "vendor_id": "ten-a", "partner_id": "p-ten-a", "starts_on": "2031-01-01",
                                "ends_on": "2031-12-31", "registration_reward_pct": "5",
                                "pay_registration_on": "approved", "budget": "10000.00", "cap_per_deal": "500.00",
                                "tier_multipliers": {"1": "1", "2": "1", "3": "1"}},
                    "forecast": {"expected_registrations": 10, "win_rate": "0.3", "avg_deal_amount": "10000.00",
                                 "avg_margin_pct": "20"},
                },
                headers=partner_a,
            )
        )  # fmt: skip

        def delivered() -> Any:
            items = http.get(f"{url['notifications']}/v1/deliveries", headers=vendor_a).json()["items"]
            return items[0]["id"] if items else None

        delivery = _eventually(delivered)

        def rewarded() -> Any:
            r = http.get(f"{url['incentives']}/v1/deals/{deal['id']}/rewards", headers=vendor_a)
            return r.json()["items"]

        _eventually(rewarded)
        payout = _ok(http.post(f"{url['incentives']}/v1/payouts", json={"vendor_id": "ten-a"}, headers=vendor_a))
        yield TenantA(deal["id"], program["id"], sub["id"], delivery, payout["id"], proposal["id"])
    hook.stop()


# (service, method, path template, body, roles of tenant B that try it)
READ = ("vendor", "partner", "aggregator")
VENDOR_ONLY = ("vendor",)
PARTNER_SIDE = ("partner", "aggregator")
ENDPOINTS: list[tuple[str, str, str, dict[str, Any] | None, tuple[str, ...]]] = [
    ("dealreg", "GET", "/v1/deals/{deal}", None, READ),
    ("dealreg", "GET", "/v1/deals/{deal}/history", None, READ),
    ("dealreg", "POST", "/v1/deals/{deal}/decision", {"decision": "approve"}, VENDOR_ONLY),
    ("dealreg", "POST", "/v1/deals/{deal}/stage", {"stage": "qualified"}, READ),
    ("dealreg", "POST", "/v1/deals/{deal}/close", {"outcome": "lost", "reason": "x"}, READ),
    ("dealreg", "POST", "/v1/deals/{deal}/extend", {}, READ),
    ("dealreg", "GET", "/v1/partners/p-ten-a", None, READ),
    ("dealreg", "GET", "/v1/vendors/ten-a/approval-policy", None, VENDOR_ONLY),
    ("dealreg", "PUT", "/v1/vendors/ten-a/approval-policy", {}, VENDOR_ONLY),
    ("incentives", "GET", "/v1/programs/{program}", None, VENDOR_ONLY),
    ("incentives", "GET", "/v1/deals/{deal}/rewards", None, READ),
    ("incentives", "GET", "/v1/reps/rep-ten-a/earnings", None, READ),
    ("incentives", "GET", "/v1/payouts/{payout}", None, READ),
    ("incentives", "GET", "/v1/payouts/{payout}/lines.csv", None, READ),
    ("incentives", "GET", "/v1/program-proposals/{proposal}", None, READ),
    ("incentives", "POST", "/v1/program-proposals/{proposal}/decision", {"decision": "rejected"}, VENDOR_ONLY),
    ("pipeline", "GET", "/v1/partners/p-ten-a/pipeline?vendor_id=ten-a", None, READ),
    ("pipeline", "GET", f"/v1/plans/p-ten-a/{PERIOD}?vendor_id=ten-a", None, READ),
    ("notifications", "GET", "/v1/subscriptions/{subscription}", None, READ),
    ("notifications", "POST", "/v1/subscriptions/{subscription}/rotate-secret", {}, READ),
    ("notifications", "POST", "/v1/subscriptions/{subscription}/replay", {"since": "2020-01-01T00:00:00Z"}, READ),
    ("notifications", "DELETE", "/v1/subscriptions/{subscription}", None, READ),
    ("notifications", "GET", "/v1/deliveries/{delivery}", None, READ),
    ("notifications", "POST", "/v1/deliveries/{delivery}/redeliver", {}, READ),
]
CASES = [(s, m, p, b, role) for s, m, p, b, roles in ENDPOINTS for role in roles]


@pytest.mark.parametrize(
    ("service", "method", "path", "body", "role"), CASES, ids=[f"{r}-{m} {s}{p}" for s, m, p, b, r in CASES]
)
def test_another_tenant_gets_404(
    rel_stack: Stack,
    tenant_a: TenantA,
    service: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    role: str,
) -> None:
    url = rel_stack.services[service].url + path.format(**vars(tenant_a))
    r = httpx.request(method, url, json=body, headers=CALLERS[role], timeout=30)
    assert r.status_code == 404, (r.status_code, r.text[:300])


LISTS = [
    ("dealreg", "/v1/deals?vendor_id=ten-a&limit=500", READ),
    ("incentives", "/v1/ledger?partner_id=p-ten-a&limit=500", READ),
    ("incentives", "/v1/ledger?deal_id={deal}&limit=500", READ),
    ("incentives", "/v1/programs?vendor_id=ten-a&limit=500", VENDOR_ONLY),
    ("notifications", "/v1/subscriptions?limit=500", READ),
    ("notifications", "/v1/deliveries?limit=500", READ),
]
LIST_CASES = [(s, p, role) for s, p, roles in LISTS for role in roles]


@pytest.mark.parametrize(("service", "path", "role"), LIST_CASES, ids=[f"{r}-{s}{p}" for s, p, r in LIST_CASES])
def test_another_tenants_objects_never_appear_in_lists(
    rel_stack: Stack, tenant_a: TenantA, service: str, path: str, role: str
) -> None:
    url = rel_stack.services[service].url + path.format(**vars(tenant_a))
    r = httpx.get(url, headers=CALLERS[role], timeout=30)
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert not {item.get("id") for item in items} & set(vars(tenant_a).values()), items
    assert not [i for i in items if i.get("vendor_id") == "ten-a" or i.get("deal_id") == tenant_a.deal], items
