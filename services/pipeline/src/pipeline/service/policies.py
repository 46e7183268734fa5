"""A vendor's pipeline policy: read it, and set it (every affected partner re-evaluated at once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from events.topics import TopicNames
from pipeline.domain.policy import InvalidPolicyError, PipelinePolicy
from pipeline.domain.records import PolicyVersion
from pipeline.service.access import require_vendor_access
from pipeline.service.figures import reevaluate_vendor
from pipeline.service.ports import PipelineStore
from servicekit.errors import InvalidInput
from servicekit.preconditions import check_if_match
from servicekit.principal import Principal


@dataclass(frozen=True)
class SetPolicy:
    vendor_id: str
    total_index: Decimal
    risk_adjusted_index: Decimal
    stage_probabilities: dict[str, Decimal]
    at_risk_threshold: Decimal
    if_match: str | None = None


@dataclass(frozen=True)
class PolicyView:
    """A vendor's policy and its stored version (None: the defaults apply)."""

    vendor_id: str
    policy: PipelinePolicy
    stored: PolicyVersion | None


async def get_policy(store: PipelineStore, principal: Principal, vendor_id: str) -> PolicyView:
    require_vendor_access(principal, vendor_id, "read its pipeline policy")
    policy, stored = await store.policy(vendor_id)
    return PolicyView(vendor_id, policy, stored)


async def set_policy(store: PipelineStore, principal: Principal, command: SetPolicy, topics: TopicNames) -> PolicyView:
    """Set the policy (If-Match: the version last read; 0 while the defaults apply). Every
    partner with a plan is re-evaluated in the same transaction: pipeline-at-risk goes out at
    once for those whose coverage now falls below the threshold (and a recovery is recorded)."""
    require_vendor_access(principal, command.vendor_id, "set its pipeline policy")
    try:
        policy = PipelinePolicy(
            total_index=command.total_index,
            risk_adjusted_index=command.risk_adjusted_index,
            stage_probabilities=command.stage_probabilities,
            at_risk_threshold=command.at_risk_threshold,
        )
    except InvalidPolicyError as exc:
        raise InvalidInput(
            [{"loc": ["body", *p.loc], "msg": p.msg, "type": "value_error"} for p in exc.problems]
        ) from None
    async with store.transaction():
        _, current = await store.policy(command.vendor_id, for_update=True)
        check_if_match(command.if_match, 0 if current is None else current.version)
        stored = PolicyVersion(datetime.now(UTC), 1 if current is None else current.version + 1)
        await store.save_policy(command.vendor_id, policy, stored)
        # Same transaction as the policy (events through the outbox): a crash loses neither.
        await reevaluate_vendor(store, command.vendor_id, topics)
    return PolicyView(command.vendor_id, policy, stored)
