"""PoisonEvent, importable without the Kafka client (use cases raise it; events.consumer re-exports it)."""

from __future__ import annotations


class PoisonEvent(Exception):
    """Raised by a handler for an event that can never be applied (goes to the DLQ at once)."""


__all__ = ["PoisonEvent"]
