"""Topic names, which event types travel on which topic, and their partition counts."""

from __future__ import annotations

from dataclasses import dataclass

from events.vocabulary import DealEventType, IncentiveEventType, PartnerEventType, PipelineEventType

DEALS = "deals.v1"
INCENTIVES = "incentives.v1"
PIPELINE = "pipeline.v1"
PARTNERS = "partners.v1"

DEAL_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in DealEventType)
INCENTIVE_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in IncentiveEventType)
PIPELINE_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in PipelineEventType)
# A partner's enrolment with one vendor (its per-vendor terms), keyed by partner id.
PARTNER_EVENT_TYPES: tuple[str, ...] = tuple(t.value for t in PartnerEventType)

TOPIC_OF_TYPE: dict[str, str] = {
    **dict.fromkeys(DEAL_EVENT_TYPES, DEALS),
    **dict.fromkeys(INCENTIVE_EVENT_TYPES, INCENTIVES),
    **dict.fromkeys(PIPELINE_EVENT_TYPES, PIPELINE),
    **dict.fromkeys(PARTNER_EVENT_TYPES, PARTNERS),
}

PARTITIONS = {DEALS: 6, INCENTIVES: 6, PIPELINE: 6, PARTNERS: 6}
DLQ_PARTITIONS = 3

# The one service that may write each topic: the broker's ACLs grant it alone WRITE, and
# consumers accept only events whose CloudEvents `source` names it (/services/<owner>).
TOPIC_OWNERS: dict[str, str] = {DEALS: "dealreg", PARTNERS: "dealreg", INCENTIVES: "incentives", PIPELINE: "pipeline"}
# What each service reads (READ on the topic, and on its consumer groups `<prefix><service>*`);
# a consumer dead-letters, so it also writes the `.dlq` of each topic it reads.
SERVICE_READS: dict[str, tuple[str, ...]] = {
    "dealreg": (),
    "incentives": (DEALS, PARTNERS),
    "pipeline": (DEALS, INCENTIVES, PARTNERS),
    "notifications": (DEALS, INCENTIVES, PIPELINE),
}


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


def source_of(service: str) -> str:
    """The CloudEvents `source` a service's events carry (events.envelope.new_event)."""
    return f"/services/{service}"


def expected_source(topic: str) -> str | None:
    """The `source` an event on this topic must carry, whatever the topic's prefix; None if unowned."""
    for base, owner in TOPIC_OWNERS.items():
        if topic.endswith(base):
            return source_of(owner)
    return None


@dataclass(frozen=True)
class TopicNames:
    """Topic names under an optional prefix: tests run isolated on one shared broker."""

    prefix: str = ""

    def name(self, topic: str) -> str:
        return f"{self.prefix}{topic}"

    @property
    def deals(self) -> str:
        return self.name(DEALS)

    @property
    def incentives(self) -> str:
        return self.name(INCENTIVES)

    @property
    def pipeline(self) -> str:
        return self.name(PIPELINE)

    @property
    def partners(self) -> str:
        return self.name(PARTNERS)

    def for_type(self, event_type: str) -> str:
        return self.name(TOPIC_OF_TYPE[event_type])

    def all_with_partitions(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for topic, partitions in PARTITIONS.items():
            out[self.name(topic)] = partitions
            out[self.name(dead_letter_topic(topic))] = DLQ_PARTITIONS
        return out

    def group(self, name: str) -> str:
        return f"{self.prefix}{name}"
