"""Prometheus metrics of the event plumbing (outbox relay and consumers)."""

from __future__ import annotations

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
