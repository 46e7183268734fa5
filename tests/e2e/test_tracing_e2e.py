"""Ops follow one deal through every service: one trace holds spans from dealreg,
incentives, pipeline and notifications for one registration, and the webhook receiver
got that trace's traceparent. Spans arrive over real OTLP/HTTP from the service processes.
"""

from __future__ import annotations

import httpx
import orjson
from standardwebhooks.webhooks import Webhook

from events.envelope import CloudEvent
from support.kafka import eventually, read_topic
from support.receivers import ReceivedSpan, WebhookReceiver
from support.scenario import create_program, registration

# OTLP's Span.SpanKind numbers.
INTERNAL, CLIENT, PRODUCER, CONSUMER = 1, 3, 4, 5


def _named(spans: list[ReceivedSpan], name: str) -> ReceivedSpan | None:
    return next((s for s in spans if s.name == name), None)


async def test_one_trace_spans_every_service_and_reaches_the_webhook(e2e_stack, infra, otlp_receiver, token) -> None:
    urls = {name: proc.url for name, proc in e2e_stack.services.items()}
    admin = token("admin", sub="ops")
    vendor = token("vendor", sub="approver-1", vendor_id="tracevendor")
    partner = token("partner", sub="rep-trace", partner_id="p-trace")
    hook = WebhookReceiver().start()
    try:
        async with httpx.AsyncClient() as http:
            r = await http.put(
                f"{urls['dealreg']}/v1/partners/p-trace",
                json={"name": "Trace Partner", "tier": 1, "vendor_ids": ["tracevendor"]},
                headers=admin,
            )
            assert r.status_code in (200, 201), r.text
            await create_program(httpx.AsyncClient(base_url=urls["incentives"]), admin, vendor_id="tracevendor")
            r = await http.post(
                f"{urls['notifications']}/v1/subscriptions",
                json={"url": hook.url, "event_types": ["deal-registered"], "description": "approvals"},
                headers=vendor,
            )
            assert r.status_code == 201, r.text
            secret = r.json()["secret"]

            r = await http.post(
                f"{urls['dealreg']}/v1/deals", json=registration("Tracy Labs", vendor_id="tracevendor"), headers=partner
            )
            assert r.status_code == 201, r.text
            deal_id = r.json()["id"]

        records = await read_topic(
            infra.kafka_bootstrap,
            e2e_stack.topic_prefix + "deals.v1",
            until=lambda rs: any(x.key == deal_id.encode() for x in rs),
        )
        record = next(x for x in records if x.key == deal_id.encode())
        trace_id = dict(record.headers)["traceparent"].decode().split("-")[1]
        record_event_id = CloudEvent.from_json(record.value).id

        def registered_spans() -> list[ReceivedSpan]:
            return [
                s
                for s in otlp_receiver.trace(trace_id)
                if s.name == f"process {e2e_stack.topic_prefix}deals.v1"
                and s.attributes.get("cloudevents.event_type") == "deal-registered"
            ]

        def every_service_in_trace() -> bool:
            consumers = {s.service for s in registered_spans()}
            return "dealreg" in {s.service for s in otlp_receiver.trace(trace_id)} and consumers >= {
                "incentives",
                "pipeline",
                "notifications",
            }

        # The trace goes on past deal-registered (incentives' reward-earned is consumed in it too).
        await eventually(every_service_in_trace, timeout=40)
        spans = otlp_receiver.trace(trace_id)
        registered = registered_spans()
        assert {s.service for s in registered} >= {"incentives", "pipeline", "notifications"}
        for span in registered:
            assert span.attributes["deal.id"] == deal_id
            assert span.attributes["cloudevents.event_id"] == record_event_id
            assert span.kind == CONSUMER
            assert (span.attributes["messaging.operation.name"], span.attributes["messaging.operation.type"]) == (
                "process",
                "process",
            )
        sends = [s for s in spans if s.service == "dealreg" and s.name == f"send {e2e_stack.topic_prefix}deals.v1"]
        assert sends and all(s.kind == PRODUCER for s in sends)
        assert sends[0].attributes["messaging.operation.type"] == "send"
        assert any(s.service == "dealreg" and s.attributes.get("http.route") == "/v1/deals" for s in spans)
        reward_sends = [s for s in spans if s.name == f"send {e2e_stack.topic_prefix}incentives.v1"]
        assert any(s.service == "incentives" for s in reward_sends), "reward-earned goes on"

        await eventually(lambda: hook.received(), timeout=30)
        headers, body = hook.received()[0]
        assert headers["traceparent"].split("-")[1] == trace_id
        # The attempt is INTERNAL; the HTTP call under it is httpx's own CLIENT span (one client span per call).
        attempt = await eventually(lambda: _named(otlp_receiver.trace(trace_id), "webhook send"))
        assert attempt.kind == INTERNAL and attempt.service == "notifications"
        under = await eventually(
            lambda: [s for s in otlp_receiver.trace(trace_id) if s.parent_span_id == attempt.span_id]
        )
        assert [s.kind for s in under] == [CLIENT]
        Webhook(secret).verify(body, headers)  # raises if the signature is wrong
        assert orjson.loads(body)["subject"] == deal_id
    finally:
        hook.stop()
