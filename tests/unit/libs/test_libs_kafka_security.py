"""Who may write and read which topic (the ACLs' source), the source check, client options."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events.acls import AclBinding, Operation, PatternType, ResourceType, anonymous_read_bindings, service_bindings
from events.consumer import _foreign_source
from events.envelope import CloudEvent
from events.kafka import KafkaSecurity
from events.topics import TopicNames, expected_source

PREFIX = "t1234.ab12cd."


def _grants(user: str, operation: Operation) -> set[str]:
    return {
        b.name
        for b in service_bindings(TopicNames(PREFIX))
        if b.principal == f"User:{user}" and b.operation == operation and b.resource_type == ResourceType.TOPIC
    }


def test_each_service_writes_only_its_own_topics_and_the_dead_letters_of_what_it_reads() -> None:
    p = PREFIX
    assert _grants("dealreg", Operation.WRITE) == {f"{p}deals.v1", f"{p}partners.v1"}
    assert _grants("incentives", Operation.WRITE) == {f"{p}incentives.v1", f"{p}deals.v1.dlq", f"{p}partners.v1.dlq"}
    assert _grants("pipeline", Operation.WRITE) == {
        f"{p}pipeline.v1",
        f"{p}deals.v1.dlq",
        f"{p}incentives.v1.dlq",
        f"{p}partners.v1.dlq",
    }
    assert _grants("notifications", Operation.WRITE) == {
        f"{p}deals.v1.dlq",
        f"{p}incentives.v1.dlq",
        f"{p}pipeline.v1.dlq",
    }


def test_each_service_reads_only_what_it_consumes_with_its_own_groups() -> None:
    p = PREFIX
    assert _grants("dealreg", Operation.READ) == set()
    assert _grants("incentives", Operation.READ) == {f"{p}deals.v1", f"{p}partners.v1"}
    assert _grants("pipeline", Operation.READ) == {f"{p}deals.v1", f"{p}incentives.v1", f"{p}partners.v1"}
    assert _grants("notifications", Operation.READ) == {f"{p}deals.v1", f"{p}incentives.v1", f"{p}pipeline.v1"}
    groups = {b for b in service_bindings(TopicNames(p)) if b.resource_type == ResourceType.GROUP}
    assert groups == {
        AclBinding(f"User:{s}", ResourceType.GROUP, f"{p}{s}", PatternType.PREFIXED, Operation.READ)
        for s in ("incentives", "pipeline", "notifications")
    }
    # Topic grants are exact names: a prefix grant on deals.v1 would also cover deals.v1.dlq.
    assert {b.pattern for b in service_bindings(TopicNames(p)) if b.resource_type == ResourceType.TOPIC} == {
        PatternType.LITERAL
    }


def test_anonymous_may_only_describe_and_read() -> None:
    bindings = anonymous_read_bindings()
    assert {b.principal for b in bindings} == {"User:ANONYMOUS"}
    assert {b.operation for b in bindings} <= {Operation.READ, Operation.DESCRIBE}
    # Not every group: an anonymous member joining a service's group would take its partitions.
    assert {b.name for b in bindings if b.resource_type == ResourceType.GROUP} == {"console-consumer-"}


@pytest.mark.parametrize(
    ("topic", "source"),
    [
        ("deals.v1", "/services/dealreg"),
        ("t1.x.partners.v1", "/services/dealreg"),
        ("t1.x.incentives.v1", "/services/incentives"),
        ("staging-pipeline.v1", "/services/pipeline"),
        ("deals.v1.dlq", None),
        ("bench-roundtrip", None),
    ],
)
def test_the_expected_source_is_the_topics_owner_whatever_the_prefix(topic: str, source: str | None) -> None:
    assert expected_source(topic) == source


def _event(source: str) -> CloudEvent:
    return CloudEvent(id="e-1", source=source, type="deal-registered", time=datetime.now(UTC), data={})


def test_an_event_from_another_service_than_the_topics_owner_is_refused_with_the_reason() -> None:
    reason = _foreign_source("t1.deals.v1", _event("/services/incentives"))
    assert reason is not None and "/services/incentives" in reason and "/services/dealreg" in reason
    assert _foreign_source("t1.deals.v1", _event("/services/dealreg")) is None
    assert _foreign_source("t1.deals.v1", _event("/services/dealreg/")) is not None


def test_plaintext_by_default_and_scram_options_when_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KAFKA_SECURITY_PROTOCOL", "KAFKA_USERNAME", "KAFKA_PASSWORD", "KAFKA_SASL_MECHANISM"):
        monkeypatch.delenv(var, raising=False)
    assert KafkaSecurity.from_env().client_options() == {"security_protocol": "PLAINTEXT"}
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT")
    monkeypatch.setenv("KAFKA_USERNAME", "incentives")
    monkeypatch.setenv("KAFKA_PASSWORD", "s3cret")
    assert KafkaSecurity.from_env().client_options() == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "incentives",
        "sasl_plain_password": "s3cret",
    }
    assert "s3cret" not in repr(KafkaSecurity.from_env())
    with pytest.raises(ValueError, match="KAFKA_USERNAME"):
        KafkaSecurity("SASL_SSL").client_options()
