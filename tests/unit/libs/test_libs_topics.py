"""Topic names, which topic each event type travels on, and partition counts."""

from __future__ import annotations

import pytest

from events.topics import (
    DEAL_EVENT_TYPES,
    DEALS,
    DLQ_PARTITIONS,
    INCENTIVE_EVENT_TYPES,
    INCENTIVES,
    PARTITIONS,
    PARTNER_EVENT_TYPES,
    PIPELINE,
    PIPELINE_EVENT_TYPES,
    TOPIC_OF_TYPE,
    TopicNames,
    dead_letter_topic,
)

TOPIC_BY_TYPE = [
    ("deal-registered", "deals.v1"),
    ("deal-approved", "deals.v1"),
    ("deal-rejected", "deals.v1"),
    ("stage-advanced", "deals.v1"),
    ("deal-closed", "deals.v1"),
    ("deal-expired", "deals.v1"),
    ("deal-approval-overdue", "deals.v1"),
    ("deal-extended", "deals.v1"),
    ("reward-earned", "incentives.v1"),
    ("reward-clawed-back", "incentives.v1"),
    ("payout-created", "incentives.v1"),
    ("pipeline-updated", "pipeline.v1"),
    ("pipeline-at-risk", "pipeline.v1"),
    ("partner-enrolled", "partners.v1"),
    ("partner-updated", "partners.v1"),
]


@pytest.mark.parametrize(("event_type", "topic"), TOPIC_BY_TYPE)
def test_for_type_maps_each_event_type_to_its_topic(event_type: str, topic: str) -> None:
    assert TopicNames().for_type(event_type) == topic
    assert TopicNames("t1.").for_type(event_type) == f"t1.{topic}"


def test_there_are_fifteen_event_types_each_on_one_topic() -> None:
    assert dict(TOPIC_BY_TYPE) == TOPIC_OF_TYPE
    assert len(DEAL_EVENT_TYPES + INCENTIVE_EVENT_TYPES + PIPELINE_EVENT_TYPES + PARTNER_EVENT_TYPES) == 15


def test_unknown_event_type_has_no_topic() -> None:
    with pytest.raises(KeyError):
        TopicNames().for_type("deal-teleported")


def test_names_without_prefix() -> None:
    names = TopicNames()
    assert (names.deals, names.incentives, names.pipeline) == ("deals.v1", "incentives.v1", "pipeline.v1")
    assert names.group("pipeline-consumer") == "pipeline-consumer"


def test_names_with_prefix() -> None:
    names = TopicNames("run42.")
    assert (names.deals, names.incentives, names.pipeline) == (
        "run42.deals.v1",
        "run42.incentives.v1",
        "run42.pipeline.v1",
    )
    assert names.name("custom") == "run42.custom"
    assert names.group("pipeline-consumer") == "run42.pipeline-consumer"


@pytest.mark.parametrize(
    ("topic", "dlq"), [(DEALS, "deals.v1.dlq"), (INCENTIVES, "incentives.v1.dlq"), (PIPELINE, "pipeline.v1.dlq")]
)
def test_dead_letter_topic_names(topic: str, dlq: str) -> None:
    assert dead_letter_topic(topic) == dlq


def test_partitions() -> None:
    assert PARTITIONS[DEALS] == 6
    assert PARTITIONS == {"deals.v1": 6, "incentives.v1": 6, "pipeline.v1": 6, "partners.v1": 6}
    assert DLQ_PARTITIONS == 3


def test_all_with_partitions_lists_topics_and_their_dead_letter_topics_under_the_prefix() -> None:
    assert TopicNames("p.").all_with_partitions() == {
        "p.deals.v1": 6,
        "p.deals.v1.dlq": 3,
        "p.incentives.v1": 6,
        "p.incentives.v1.dlq": 3,
        "p.pipeline.v1": 6,
        "p.pipeline.v1.dlq": 3,
        "p.partners.v1": 6,
        "p.partners.v1.dlq": 3,
    }
