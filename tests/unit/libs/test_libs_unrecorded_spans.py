"""A span nothing would record (no span processor): only its context, continuing the parent's trace.

The consumer's process span and the relay's send span take this form when nothing exports."""

from __future__ import annotations

from opentelemetry.propagate import extract
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF

from events.batching import traceparent_of
from events.tracecontext import spans_recorded, unrecorded_span

TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = f"00-{TRACE}-b7ad6b7169203331-01"


def test_spans_count_as_recorded_only_once_a_processor_sees_them() -> None:
    provider = TracerProvider()
    assert not spans_recorded(provider)
    provider.add_span_processor(SimpleSpanProcessor(InMemorySpanExporter()))
    assert spans_recorded(provider)


def test_an_unrecorded_span_continues_the_producers_trace_under_a_new_span_id() -> None:
    parent = extract({"traceparent": PARENT})
    spans = [unrecorded_span(parent, "process t", provider=TracerProvider()) for _ in range(2)]
    parents = [traceparent_of(span) for span in spans]
    assert all(p is not None and p.startswith(f"00-{TRACE}-") and p.endswith("-01") for p in parents)
    assert len({*parents, PARENT}) == 3  # each its own span id, none the producer's
    assert not spans[0].is_recording()


def test_without_a_parent_it_starts_a_trace_and_the_sampler_still_decides() -> None:
    root = unrecorded_span(extract({}), "process t", provider=TracerProvider())
    assert root.get_span_context().is_valid and root.get_span_context().trace_flags.sampled
    never = TracerProvider(sampler=ALWAYS_OFF)
    dropped = unrecorded_span(extract({"traceparent": PARENT}), "process t", provider=never)
    assert not dropped.get_span_context().trace_flags.sampled
