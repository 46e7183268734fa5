"""OpenTelemetry tracing and structured JSON logs with trace ids.

A TracerProvider always exists (so trace context is created and propagated through the
outbox and Kafka); spans are exported over OTLP/HTTP only when
OTEL_EXPORTER_OTLP_ENDPOINT is set. The standard OTEL_* variables are honoured by the
SDK and exporter themselves.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def setup_tracing(service_name: str) -> TracerProvider:
    global _configured
    current = trace.get_tracer_provider()
    if os.environ.get("OTEL_SDK_DISABLED", "").lower() == "true":
        # The standard switch: no provider, no instrumentation, no spans.
        return current  # type: ignore[return-value]
    if _configured and isinstance(current, TracerProvider):
        return current
    attributes: dict[str, Any] = {}
    if not os.environ.get("OTEL_SERVICE_NAME"):
        attributes[SERVICE_NAME] = service_name
    provider = TracerProvider(resource=Resource.create(attributes))
    exporting = any(os.environ.get(v) for v in ("OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"))
    if exporting:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
    trace.set_tracer_provider(provider)
    _instrument_libraries(database_spans=exporting)
    _configured = True
    return provider


def _instrument_libraries(database_spans: bool) -> None:
    from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor

    # Always: outgoing webhooks carry the traceparent of the event that caused them.
    HTTPXClientInstrumentor().instrument()
    if database_spans:
        # A span per SQL statement only when spans go somewhere: unexported, they are pure cost
        # (about a tenth of a registration's CPU) and nothing downstream refers to them.
        from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor

        AsyncPGInstrumentor().instrument()  # type: ignore[no-untyped-call]


def _add_trace_ids(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    ctx = trace.get_current_span().get_span_context()
    if ctx.is_valid:
        event_dict["trace_id"] = format(ctx.trace_id, "032x")
        event_dict["span_id"] = format(ctx.span_id, "016x")
    return event_dict


_REDACTED_KEYS = {"authorization", "token", "secret", "password", "auth_secret", "api_key"}


def _redact(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    for key in list(event_dict):
        if key.lower() in _REDACTED_KEYS:
            event_dict[key] = "[redacted]"
    return event_dict


# Values a database error quotes back: asyncpg's "query argument $1: 'value'", PostgreSQL's
# 'invalid input syntax for type uuid: "value"' and a constraint's "Key (col)=(value)".
_SQL_VALUES = (
    (re.compile(r"(query argument \$\d+): .*?(?= \(|$)", re.M), r"\1: [redacted]"),
    (re.compile(r'(for type [\w ]+): ".*?"'), r'\1: "[redacted]"'),
    (re.compile(r"(Key \([^)]*\))=\(.*?\)(?= )"), r"\1=([redacted])"),
    (re.compile(r"\[parameters: .*?\]$", re.M), "[parameters: redacted]"),
)


def _scrub_sql_values(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Database errors' messages and tracebacks keep their shape but lose the values they quote."""
    for key in ("event", "exception", "error"):
        value = event_dict.get(key)
        if isinstance(value, str):
            for pattern, replacement in _SQL_VALUES:
                value = pattern.sub(replacement, value)
            event_dict[key] = value
    return event_dict


def setup_logging(service_name: str, level: str = "INFO", json_logs: bool = True) -> None:
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
        _redact,
    ]
    renderer: Any = structlog.processors.JSONRenderer() if json_logs else structlog.dev.ConsoleRenderer()
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            _scrub_sql_values,
            renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    structlog.contextvars.bind_contextvars(service=service_name)
    for noisy in ("aiokafka", "kafka"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").setLevel(logging.WARNING)
