"""W3C trace context across the outbox and Kafka headers.

The request's `traceparent` is saved with the outbox row; the relay continues it in a
`send <topic>` span and puts that span's context into the record's headers; consumers pick
it up from there and continue the trace in a `process <topic>` span.
"""

from __future__ import annotations

from collections.abc import Iterable

from opentelemetry import propagate
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
