"""W3C trace context across the outbox and Kafka headers.

The request's `traceparent` is saved with the outbox row; the relay continues it in a
`send <topic>` span and puts that span's context into the record's headers; consumers pick
it up from there and continue the trace in a `process <topic>` span.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from opentelemetry import propagate, trace
from opentelemetry.context import Context


def current_traceparent() -> str | None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


def context_from_traceparent(traceparent: str | None) -> Context | None:
    if not traceparent:
        return None
    return propagate.extract({"traceparent": traceparent})


def inject_headers(headers: list[tuple[str, bytes]], context: Context | None = None) -> None:
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    headers.extend((k, v.encode()) for k, v in carrier.items())


def context_from_headers(headers: Iterable[tuple[str, bytes]] | None) -> Context:
    carrier = {k: v.decode("latin-1") for k, v in (headers or ()) if v is not None}
    return propagate.extract(carrier)


def header_value(headers: Iterable[tuple[str, bytes]] | None, name: str) -> str | None:
    for k, v in headers or ():
        if k == name and v is not None:
            return v.decode("latin-1")
    return None


def _random_id(bits: int) -> int:
    """A non-zero random trace or span id, as the SDK's RandomIdGenerator makes them (not a secret)."""
    while not (value := random.getrandbits(bits)):
        pass
    return value


def spans_recorded(provider: object | None = None) -> bool:
    """Whether a span started now reaches a span processor (an exporter, a test's collector).

    False only for the SDK's provider with none added: its spans are built, ended and dropped.
    Any other provider (the API's no-op, another SDK) is taken as recording.
    """
    provider = provider or trace.get_tracer_provider()
    processors = getattr(getattr(provider, "_active_span_processor", None), "_span_processors", None)
    return processors is None or len(processors) > 0


def unrecorded_span(
    parent: Context, name: str, kind: trace.SpanKind = trace.SpanKind.INTERNAL, provider: object | None = None
) -> trace.Span:
    """What the SDK returns for a span its sampler drops, with the sampler's own decision on the
    flags: a new span id in the parent's trace (or a new trace), the parent's trace state."""
    parent_context = trace.get_current_span(parent).get_span_context()
    trace_id = parent_context.trace_id if parent_context.is_valid else _random_id(128)
    sampler = getattr(provider or trace.get_tracer_provider(), "sampler", None)
    if sampler is None:
        flags, state = parent_context.trace_flags, parent_context.trace_state
    else:
        decision = sampler.should_sample(parent, trace_id, name, kind)
        flags = trace.TraceFlags(
            trace.TraceFlags.SAMPLED if decision.decision.is_sampled() else trace.TraceFlags.DEFAULT
        )
        state = decision.trace_state
    context = trace.SpanContext(trace_id, _random_id(64), is_remote=False, trace_flags=flags, trace_state=state)
    return trace.NonRecordingSpan(context)
