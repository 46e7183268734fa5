"""W3C trace context carried through Kafka headers and the outbox's saved traceparent."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import Tracer, TracerProvider

from events.tracecontext import (
    context_from_headers,
    context_from_traceparent,
    current_traceparent,
    header_value,
    inject_headers,
)

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def tracer() -> Iterator[Tracer]:
    provider = TracerProvider()  # local: the global provider stays untouched
    yield provider.get_tracer("test")
    provider.shutdown()


def span_context_of(context: object) -> trace.SpanContext:
    return trace.get_current_span(context).get_span_context()  # type: ignore[arg-type]


def test_no_traceparent_outside_a_span() -> None:
    assert current_traceparent() is None


def test_current_traceparent_names_the_active_span(tracer: Tracer) -> None:
    with tracer.start_as_current_span("work") as span:
        traceparent = current_traceparent()
        ctx = span.get_span_context()
    assert ctx.trace_flags.sampled
    assert traceparent == f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{int(ctx.trace_flags):02x}"


def test_inject_then_extract_keeps_the_trace_id(tracer: Tracer) -> None:
    headers: list[tuple[str, bytes]] = [("content-type", b"application/cloudevents+json")]
    with tracer.start_as_current_span("send deals.v1") as span:
        inject_headers(headers)
        sent = span.get_span_context()
    assert headers[0] == ("content-type", b"application/cloudevents+json")
    assert all(isinstance(v, bytes) for _, v in headers)
    received = span_context_of(context_from_headers(headers))
    assert received.trace_id == sent.trace_id
    assert received.span_id == sent.span_id
    assert received.is_remote


def test_consumer_span_continues_the_producer_trace(tracer: Tracer) -> None:
    headers: list[tuple[str, bytes]] = []
    with tracer.start_as_current_span("send deals.v1") as producer:
        inject_headers(headers)
    with tracer.start_as_current_span("process deals.v1", context=context_from_headers(headers)) as consumer:
        assert consumer.get_span_context().trace_id == producer.get_span_context().trace_id
        assert consumer.parent is not None
        assert consumer.parent.span_id == producer.get_span_context().span_id


def test_inject_headers_from_a_saved_traceparent() -> None:
    headers: list[tuple[str, bytes]] = []
    inject_headers(headers, context_from_traceparent(TRACEPARENT))
    assert header_value(headers, "traceparent") == TRACEPARENT


def test_inject_headers_without_a_trace_adds_nothing() -> None:
    headers: list[tuple[str, bytes]] = []
    inject_headers(headers)
    assert header_value(headers, "traceparent") is None


@pytest.mark.parametrize("traceparent", [None, ""])
def test_no_saved_traceparent_gives_no_context(traceparent: str | None) -> None:
    assert context_from_traceparent(traceparent) is None


def test_saved_traceparent_restores_trace_and_span() -> None:
    ctx = span_context_of(context_from_traceparent(TRACEPARENT))
    assert f"{ctx.trace_id:032x}" == "0af7651916cd43dd8448eb211c80319c"
    assert f"{ctx.span_id:016x}" == "b7ad6b7169203331"


@pytest.mark.parametrize("headers", [None, [], [("traceparent", b"garbage")], [("other", b"x")]])
def test_missing_or_broken_headers_give_no_valid_span(headers: list[tuple[str, bytes]] | None) -> None:
    assert not span_context_of(context_from_headers(headers)).is_valid


def test_header_value() -> None:
    headers = [("a", b"1"), ("b", b"2"), ("a", b"3")]
    assert header_value(headers, "a") == "1"
    assert header_value(headers, "b") == "2"
    assert header_value(headers, "c") is None
    assert header_value(None, "a") is None
