"""Kafka ACLs: what each service's user may do on the broker, and creating them.

Each service may write only its own topics (events.topics.TOPIC_OWNERS) and the dead-letter
topics of what it reads, and read only what it consumes (events.topics.SERVICE_READS) with
consumer groups named `<prefix><service>...`. Topic names carry a prefix (tests isolate runs
with one), so the bindings are made per prefix: LITERAL topic names, PREFIXED group names.
Anonymous clients (the local read-only listener) may describe and read topics, nothing else.

aiokafka's admin client has no ACL calls; its protocol module has the CreateAcls and
DeleteAcls requests (v1: resource pattern types), sent here in one request per call.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from enum import IntEnum

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest_v1, DeleteAclsRequest_v1, DescribeAclsRequest
from aiokafka.protocol.api import Request

from events.kafka import KafkaSecurity, admin_client
from events.topics import SERVICE_READS, TOPIC_OWNERS, TopicNames, dead_letter_topic

ANONYMOUS = "User:ANONYMOUS"
# kafka-console-consumer's default group ids: local tools may read with a group of their own.
TOOLS_GROUP_PREFIX = "console-consumer-"


class ResourceType(IntEnum):  # org.apache.kafka.common.resource.ResourceType
    TOPIC = 2
    GROUP = 3
    CLUSTER = 4


class PatternType(IntEnum):  # org.apache.kafka.common.resource.PatternType
    LITERAL = 3
    PREFIXED = 4


class Operation(IntEnum):  # org.apache.kafka.common.acl.AclOperation
    READ = 3
    WRITE = 4
    DESCRIBE = 8


ALLOW = 3  # AclPermissionType.ALLOW


@dataclass(frozen=True, order=True)
class AclBinding:
    principal: str
    resource_type: ResourceType
    name: str
    pattern: PatternType
    operation: Operation

    def as_tuple(self) -> tuple[int, str, int, str, str, int, int]:
        return (self.resource_type, self.name, self.pattern, self.principal, "*", self.operation, ALLOW)


def principal(service: str) -> str:
    return f"User:{service}"


def service_bindings(topics: TopicNames) -> list[AclBinding]:
    """Every service's grants for the topics under one prefix (WRITE and READ imply DESCRIBE)."""
    out: list[AclBinding] = []
    for topic, owner in TOPIC_OWNERS.items():
        out.append(
            AclBinding(principal(owner), ResourceType.TOPIC, topics.name(topic), PatternType.LITERAL, Operation.WRITE)
        )
    for service, reads in SERVICE_READS.items():
        user = principal(service)
        for topic in reads:
            name = topics.name(topic)
            out.append(AclBinding(user, ResourceType.TOPIC, name, PatternType.LITERAL, Operation.READ))
            out.append(
                AclBinding(user, ResourceType.TOPIC, dead_letter_topic(name), PatternType.LITERAL, Operation.WRITE)
            )
        if reads:
            out.append(
                AclBinding(user, ResourceType.GROUP, topics.group(service), PatternType.PREFIXED, Operation.READ)
            )
    return sorted(out)


def anonymous_read_bindings() -> list[AclBinding]:
    """The read-only listener: every topic described and read, groups only for local tools."""
    return [
        AclBinding(ANONYMOUS, ResourceType.TOPIC, "*", PatternType.LITERAL, Operation.DESCRIBE),
        AclBinding(ANONYMOUS, ResourceType.TOPIC, "*", PatternType.LITERAL, Operation.READ),
        AclBinding(ANONYMOUS, ResourceType.GROUP, TOOLS_GROUP_PREFIX, PatternType.PREFIXED, Operation.READ),
    ]


class _CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 30

    def __init__(self, bindings: list[AclBinding]) -> None:
        self._bindings = bindings

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class([b.as_tuple() for b in self._bindings])


class _DeleteAcls(Request[DeleteAclsRequest_v1]):  # type: ignore[misc]
    API_KEY = 31

    def __init__(self, bindings: list[AclBinding]) -> None:
        self._bindings = bindings

    def build(self, request_struct_class: type[DeleteAclsRequest_v1]) -> DeleteAclsRequest_v1:
        return request_struct_class([b.as_tuple() for b in self._bindings])


class AclError(RuntimeError):
    pass


async def create_acls(
    bootstrap_servers: str, bindings: list[AclBinding], security: KafkaSecurity, wait: float = 10.0
) -> None:
    """Create the bindings (an existing one is left as it is); `security` must be a super user's.

    Returns once the broker's authorizer applies them: the controller answers on commit, and a
    client using the new grants a moment later would otherwise still be refused.
    """
    if not bindings:
        return
    admin = admin_client(bootstrap_servers, "acl-setup", security)
    await admin.start()
    try:
        response = await admin._send_request(_CreateAcls(bindings))
        _raise_errors(response.creation_responses)
        deadline = asyncio.get_running_loop().time() + wait
        while not set(bindings) <= await _described(admin):
            if asyncio.get_running_loop().time() > deadline:
                raise AclError("created ACLs did not become effective in time")
            await asyncio.sleep(0.02)
    finally:
        await admin.close()


async def delete_acls(bootstrap_servers: str, bindings: list[AclBinding], security: KafkaSecurity) -> None:
    if not bindings:
        return
    admin = admin_client(bootstrap_servers, "acl-setup", security)
    await admin.start()
    try:
        response = await admin._send_request(_DeleteAcls(bindings))
    finally:
        await admin.close()
    _raise_errors(response.filter_responses)


async def _described(admin: AIOKafkaAdminClient) -> set[AclBinding]:
    """Every ALLOW binding the broker's authorizer holds now."""
    any_ = 1  # ANY for resource type, pattern type, operation and permission
    response = await admin._send_request(
        DescribeAclsRequest(any_, None, any_, None, None, any_, any_)
    )  # None: any name, principal, host
    _raise_errors([(response.error_code, response.error_message)])
    out: set[AclBinding] = set()
    for resource_type, name, pattern, acls in response.resources:
        for who, _host, operation, permission in acls:
            with contextlib.suppress(ValueError):  # kinds this module never creates
                if permission == ALLOW:
                    out.add(
                        AclBinding(who, ResourceType(resource_type), name, PatternType(pattern), Operation(operation))
                    )
    return out


def _raise_errors(results: list[tuple[int, str | None]] | list[tuple[int, str | None, object]]) -> None:
    errors = [r for r in results if r[0] != 0]
    if errors:
        raise AclError(f"ACL request failed: {errors[0][1] or errors[0][0]}")
