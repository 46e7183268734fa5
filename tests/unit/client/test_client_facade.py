"""The client's hand-written facade: retries that reuse one Idempotency-Key, pagination, answers
checked into models or problems, and webhook verification compatible with notifications' signing.

The generated operations run for real; only the network is replaced by httpx's MockTransport
(a scripted server), since what is tested is what the client sends and how it reacts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from channel_platform_client import ApiProblem, RetryPolicy, call, call_async, expect, items, pages, verify_webhook
from channel_platform_client.generated.dealreg.api.deals import get_deal, list_deals, post_deal
from channel_platform_client.generated.dealreg.client import AuthenticatedClient
from channel_platform_client.generated.dealreg.models import DealCreate, DealOut
from channel_platform_client.webhooks import WebhookVerificationError

from dealreg.api.examples import DEAL_IN, DEAL_OUT
from notifications.domain.signing import delivery_headers, generate_secret

FAST = RetryPolicy(attempts=4, first_wait=0.001, max_wait=0.01)


class Server:
    """A scripted server: answers requests in turn and remembers what it was sent."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers: Iterator[httpx.Response | Exception] = iter(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = next(self.answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self) -> AuthenticatedClient:
        transport = httpx.MockTransport(self)
        return AuthenticatedClient(base_url="http://dealreg.test", token="t0k3n", httpx_args={"transport": transport})

    @property
    def keys(self) -> list[str | None]:
        return [r.headers.get("idempotency-key") for r in self.requests]


def problem(status: int, detail: str, **extra: Any) -> httpx.Response:
    body = {"type": "about:blank", "title": "x", "status": status, "detail": detail, **extra}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


def created() -> httpx.Response:
    return httpx.Response(201, json=DEAL_OUT)


BODY = DealCreate.from_dict(DEAL_IN)


@pytest.mark.parametrize(
    "failure",
    [
        problem(503, "down for a moment"),
        problem(502, "bad gateway"),
        problem(409, "the same key is still in flight"),
        httpx.ConnectError("connection refused"),
        httpx.ReadTimeout("no answer"),
    ],
    ids=["503", "502", "409", "connect", "timeout"],
)
def test_a_lost_or_failed_post_is_retried_with_the_same_idempotency_key(failure: Any) -> None:
    server = Server(failure, failure, created())
    answer = call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST)
    assert answer.status_code == 201
    assert len(server.requests) == 3
    assert len(set(server.keys)) == 1 and server.keys[0]
    assert server.requests[0].headers["authorization"] == "Bearer t0k3n"
    assert json.loads(server.requests[0].content) == json.loads(server.requests[2].content)


def test_a_given_key_is_the_one_sent() -> None:
    server = Server(problem(500, "oops"), created())
    call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST, idempotency_key="order-17")
    assert server.keys == ["order-17", "order-17"]


def test_two_calls_get_two_keys() -> None:
    server = Server(created(), created())
    call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST)
    call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST)
    assert server.keys[0] != server.keys[1]


@pytest.mark.parametrize("status", [400, 401, 403, 404, 412, 422])
def test_a_refusal_is_not_retried(status: int) -> None:
    server = Server(problem(status, "no"))
    answer = call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST)
    assert answer.status_code == status
    assert len(server.requests) == 1


def test_after_the_last_attempt_the_last_answer_is_returned_and_a_transport_error_raised() -> None:
    server = Server(*[problem(503, "still down")] * 4)
    assert call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=FAST).status_code == 503
    assert len(server.requests) == FAST.attempts
    broken = Server(*[httpx.ConnectError("refused")] * 4)
    with pytest.raises(httpx.ConnectError):
        call(post_deal.sync_detailed, client=broken.client(), body=BODY, policy=FAST)
    assert len(broken.requests) == FAST.attempts


def test_a_get_is_retried_without_a_key() -> None:
    server = Server(problem(503, "down"), httpx.Response(200, json=DEAL_OUT))
    answer = call(get_deal.sync_detailed, deal_id=DEAL_OUT["id"], client=server.client(), policy=FAST)
    assert answer.status_code == 200 and server.keys == [None, None]


def test_429_waits_for_its_retry_after_within_the_policy() -> None:
    slow_down = problem(429, "Rate limit exceeded.")
    slow_down.headers["Retry-After"] = "1"
    slept: list[float] = []

    class Recorded(RetryPolicy):
        def wait(self, state: Any) -> float:
            slept.append(super().wait(state))
            return 0.0

    policy = Recorded(attempts=3, first_wait=0.001, max_wait=2.0)
    server = Server(slow_down, created())
    assert call(post_deal.sync_detailed, client=server.client(), body=BODY, policy=policy).status_code == 201
    assert slept == [1.0]
    capped = Recorded(attempts=3, first_wait=0.001, max_wait=0.5)
    slept.clear()
    call(post_deal.sync_detailed, client=Server(slow_down, created()).client(), body=BODY, policy=capped)
    assert slept == [0.5]


async def test_the_async_call_retries_with_one_key_too() -> None:
    server = Server(problem(503, "down"), created())
    answer = await call_async(post_deal.asyncio_detailed, client=server.client(), body=BODY, policy=FAST)
    assert answer.status_code == 201
    assert len(set(server.keys)) == 1 and len(server.keys) == 2


def test_expect_gives_the_model_or_raises_the_problem_with_its_errors() -> None:
    deal = expect(call(post_deal.sync_detailed, client=Server(created()).client(), body=BODY), DealOut, 201)
    assert (deal.id, deal.amount, deal.status) == (DEAL_OUT["id"], "12000.00", "pending_approval")
    errors = [{"loc": ["body", "currency"], "msg": "bad"}]
    refused = Server(problem(422, "The request is not valid: see errors.", errors=errors))
    with pytest.raises(ApiProblem) as caught:
        expect(call(post_deal.sync_detailed, client=refused.client(), body=BODY), DealOut, 201)
    assert (caught.value.status, caught.value.errors) == (422, errors)
    with pytest.raises(ApiProblem):  # a 2xx other than the one expected is not silently accepted
        expect(call(post_deal.sync_detailed, client=Server(created()).client(), body=BODY), DealOut, 200)


def _page(ids: list[str], next_cursor: str | None) -> httpx.Response:
    return httpx.Response(200, json={"items": [{**DEAL_OUT, "id": i} for i in ids], "next_cursor": next_cursor})


def test_items_follow_the_cursor_to_the_last_page() -> None:
    server = Server(_page(["d1", "d2"], "c1"), _page(["d3", "d4"], "c2"), _page(["d5"], None))
    client = server.client()
    assert [d.id for d in items(list_deals.sync_detailed, client=client, limit=2, vendor_id="acme")] == [
        "d1",
        "d2",
        "d3",
        "d4",
        "d5",
    ]
    sent = [dict(r.url.params) for r in server.requests]
    assert sent[0] == {"limit": "2", "vendor_id": "acme"}
    assert sent[1] == {"limit": "2", "vendor_id": "acme", "cursor": "c1"}
    assert sent[2]["cursor"] == "c2"


def test_a_failing_page_raises_its_problem() -> None:
    server = Server(_page(["d1"], "c1"), problem(400, "The cursor is not valid."))
    listed = pages(list_deals.sync_detailed, client=server.client())
    assert [d.id for d in next(listed).items] == ["d1"]
    with pytest.raises(ApiProblem, match="cursor is not valid"):
        next(listed)


# --- webhooks: what notifications signs, the facade verifies -----------------------------------------

EVENT = {"specversion": "1.0", "id": "evt-1", "type": "reward-earned", "data": {"amount": "937.50"}}


def _signed(secrets: list[str], at: datetime | None = None) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(EVENT).encode()
    return body, delivery_headers(secrets, "evt-1", at or datetime.now(UTC), body)


def test_a_delivery_signed_by_notifications_verifies_and_reads_as_the_event() -> None:
    secret = generate_secret()
    body, headers = _signed([secret])
    assert verify_webhook(body, headers, secret) == EVENT
    upper = {k.upper(): v for k, v in headers.items()}  # header names are case-insensitive
    assert verify_webhook(body.decode(), upper, secret) == EVENT


def test_during_a_rotation_either_secret_verifies() -> None:
    new, old = generate_secret(), generate_secret()
    body, headers = _signed([new, old])
    assert verify_webhook(body, headers, old) == EVENT
    assert verify_webhook(body, headers, [generate_secret(), new]) == EVENT


@pytest.mark.parametrize("tamper", ["body", "secret", "timestamp", "id", "stale"])
def test_a_forged_or_stale_delivery_is_refused(tamper: str) -> None:
    secret = generate_secret()
    body, headers = _signed([secret], datetime.now(UTC) - timedelta(minutes=10) if tamper == "stale" else None)
    if tamper == "body":
        body = body.replace(b"937.50", b"9375.00")
    if tamper == "timestamp":
        headers["webhook-timestamp"] = str(int(headers["webhook-timestamp"]) + 1)
    if tamper == "id":
        headers["webhook-id"] = "evt-2"
    with pytest.raises(WebhookVerificationError):
        verify_webhook(body, headers, generate_secret() if tamper == "secret" else secret)
