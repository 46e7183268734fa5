"""Prometheus metrics of the event plumbing (outbox relay and consumers)."""

from __future__ import annotations

from opentelemetry import trace
from prometheus_client import Counter, Gauge, Histogram

OUTBOX_BACKLOG = Gauge("outbox_backlog", "Outbox rows not yet published to Kafka")
OUTBOX_OLDEST_AGE = Gauge("outbox_oldest_unsent_age_seconds", "Age of the oldest unpublished outbox row")
OUTBOX_PUBLISHED = Counter("outbox_published_total", "Outbox rows published to Kafka", ["topic"])
OUTBOX_PUBLISH_ERRORS = Counter("outbox_publish_errors_total", "Failed outbox publish attempts")

EVENTS_PROCESSED = Counter("events_processed_total", "Events consumed, by outcome", ["consumer", "type", "outcome"])
EVENTS_DEAD_LETTERED = Counter("events_dead_lettered_total", "Events sent to a dead-letter topic", ["consumer", "type"])
EVENT_PROCESSING_SECONDS = Histogram(
    "event_processing_seconds",
    "Time to apply one event",
    ["consumer", "type"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
CONSUMER_LAG = Gauge(
    "consumer_lag", "Records behind the partition's high watermark", ["consumer", "topic", "partition"]
)


def trace_exemplar(span: trace.Span | None = None) -> dict[str, str] | None:
    """A latency observation's exemplar: the trace id of `span` (default: the current span) if it is
    sampled. Prometheus keeps it beside the bucket (OpenMetrics exposition), so a slow bucket in a
    dashboard links to one trace that landed in it."""
    context = (span or trace.get_current_span()).get_span_context()
    if not context.is_valid or not context.trace_flags.sampled:
        return None
    return {"trace_id": format(context.trace_id, "032x")}


def traceparent_exemplar(traceparent: str | None) -> dict[str, str] | None:
    """The same from a saved W3C traceparent (`00-<trace id>-<span id>-<flags>`)."""
    parts = (traceparent or "").split("-")
    try:
        sampled = len(parts) == 4 and len(parts[1]) == 32 and int(parts[3], 16) & 1
    except ValueError:
        return None
    return {"trace_id": parts[1]} if sampled else None
