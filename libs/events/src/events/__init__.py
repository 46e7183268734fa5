"""Shared event plumbing for the channel platform's services.

What lives here is what every service needs the same way: the CloudEvents envelope
and typed event schemas, topic names, the transactional outbox and its relay, the
idempotent consumer, and the Kafka / trace-context glue.
"""
