from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="MetricWeights")


@_attrs_define
class MetricWeights:
    """A weight (>= 0) per metric; metrics left out weigh 0, and at least one must be above 0.

    Attributes:
        registrations (float | None | str | Unset):
        approved (float | None | str | Unset):
        rejected (float | None | str | Unset):
        approval_rate (float | None | str | Unset):
        median_hours_to_decision (float | None | str | Unset):
        sla_breaches (float | None | str | Unset):
        conflict_rate (float | None | str | Unset):
        won (float | None | str | Unset):
        lost (float | None | str | Unset):
        win_rate (float | None | str | Unset):
        avg_deal_size (float | None | str | Unset):
        avg_cycle_days (float | None | str | Unset):
        sales_velocity (float | None | str | Unset):
        coverage (float | None | str | Unset):
        performance_to_plan (float | None | str | Unset):
        rewards_net (float | None | str | Unset):
    """

    registrations: float | None | str | Unset = UNSET
    approved: float | None | str | Unset = UNSET
    rejected: float | None | str | Unset = UNSET
    approval_rate: float | None | str | Unset = UNSET
    median_hours_to_decision: float | None | str | Unset = UNSET
    sla_breaches: float | None | str | Unset = UNSET
    conflict_rate: float | None | str | Unset = UNSET
    won: float | None | str | Unset = UNSET
    lost: float | None | str | Unset = UNSET
    win_rate: float | None | str | Unset = UNSET
    avg_deal_size: float | None | str | Unset = UNSET
    avg_cycle_days: float | None | str | Unset = UNSET
    sales_velocity: float | None | str | Unset = UNSET
    coverage: float | None | str | Unset = UNSET
    performance_to_plan: float | None | str | Unset = UNSET
    rewards_net: float | None | str | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        registrations: float | None | str | Unset
        if isinstance(self.registrations, Unset):
            registrations = UNSET
        else:
            registrations = self.registrations

        approved: float | None | str | Unset
        if isinstance(self.approved, Unset):
            approved = UNSET
        else:
            approved = self.approved

        rejected: float | None | str | Unset
        if isinstance(self.rejected, Unset):
            rejected = UNSET
        else:
            rejected = self.rejected

        approval_rate: float | None | str | Unset
        if isinstance(self.approval_rate, Unset):
            approval_rate = UNSET
        else:
            approval_rate = self.approval_rate

        median_hours_to_decision: float | None | str | Unset
        if isinstance(self.median_hours_to_decision, Unset):
            median_hours_to_decision = UNSET
        else:
            median_hours_to_decision = self.median_hours_to_decision

        sla_breaches: float | None | str | Unset
        if isinstance(self.sla_breaches, Unset):
            sla_breaches = UNSET
        else:
            sla_breaches = self.sla_breaches

        conflict_rate: float | None | str | Unset
        if isinstance(self.conflict_rate, Unset):
            conflict_rate = UNSET
        else:
            conflict_rate = self.conflict_rate

        won: float | None | str | Unset
        if isinstance(self.won, Unset):
            won = UNSET
        else:
            won = self.won

        lost: float | None | str | Unset
        if isinstance(self.lost, Unset):
            lost = UNSET
        else:
            lost = self.lost

        win_rate: float | None | str | Unset
        if isinstance(self.win_rate, Unset):
            win_rate = UNSET
        else:
            win_rate = self.win_rate

        avg_deal_size: float | None | str | Unset
        if isinstance(self.avg_deal_size, Unset):
            avg_deal_size = UNSET
        else:
            avg_deal_size = self.avg_deal_size

        avg_cycle_days: float | None | str | Unset
        if isinstance(self.avg_cycle_days, Unset):
            avg_cycle_days = UNSET
        else:
            avg_cycle_days = self.avg_cycle_days

        sales_velocity: float | None | str | Unset
        if isinstance(self.sales_velocity, Unset):
            sales_velocity = UNSET
        else:
            sales_velocity = self.sales_velocity

        coverage: float | None | str | Unset
        if isinstance(self.coverage, Unset):
            coverage = UNSET
        else:
            coverage = self.coverage

        performance_to_plan: float | None | str | Unset
        if isinstance(self.performance_to_plan, Unset):
            performance_to_plan = UNSET
        else:
            performance_to_plan = self.performance_to_plan

        rewards_net: float | None | str | Unset
        if isinstance(self.rewards_net, Unset):
            rewards_net = UNSET
        else:
            rewards_net = self.rewards_net

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if registrations is not UNSET:
            field_dict["registrations"] = registrations
        if approved is not UNSET:
            field_dict["approved"] = approved
        if rejected is not UNSET:
            field_dict["rejected"] = rejected
        if approval_rate is not UNSET:
            field_dict["approval_rate"] = approval_rate
        if median_hours_to_decision is not UNSET:
            field_dict["median_hours_to_decision"] = median_hours_to_decision
        if sla_breaches is not UNSET:
            field_dict["sla_breaches"] = sla_breaches
        if conflict_rate is not UNSET:
            field_dict["conflict_rate"] = conflict_rate
        if won is not UNSET:
            field_dict["won"] = won
        if lost is not UNSET:
            field_dict["lost"] = lost
        if win_rate is not UNSET:
            field_dict["win_rate"] = win_rate
        if avg_deal_size is not UNSET:
            field_dict["avg_deal_size"] = avg_deal_size
        if avg_cycle_days is not UNSET:
            field_dict["avg_cycle_days"] = avg_cycle_days
        if sales_velocity is not UNSET:
            field_dict["sales_velocity"] = sales_velocity
        if coverage is not UNSET:
            field_dict["coverage"] = coverage
        if performance_to_plan is not UNSET:
            field_dict["performance_to_plan"] = performance_to_plan
        if rewards_net is not UNSET:
            field_dict["rewards_net"] = rewards_net

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_registrations(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        registrations = _parse_registrations(d.pop("registrations", UNSET))

        def _parse_approved(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        approved = _parse_approved(d.pop("approved", UNSET))

        def _parse_rejected(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        rejected = _parse_rejected(d.pop("rejected", UNSET))

        def _parse_approval_rate(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        approval_rate = _parse_approval_rate(d.pop("approval_rate", UNSET))

        def _parse_median_hours_to_decision(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        median_hours_to_decision = _parse_median_hours_to_decision(d.pop("median_hours_to_decision", UNSET))

        def _parse_sla_breaches(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        sla_breaches = _parse_sla_breaches(d.pop("sla_breaches", UNSET))

        def _parse_conflict_rate(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        conflict_rate = _parse_conflict_rate(d.pop("conflict_rate", UNSET))

        def _parse_won(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        won = _parse_won(d.pop("won", UNSET))

        def _parse_lost(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        lost = _parse_lost(d.pop("lost", UNSET))

        def _parse_win_rate(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        win_rate = _parse_win_rate(d.pop("win_rate", UNSET))

        def _parse_avg_deal_size(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        avg_deal_size = _parse_avg_deal_size(d.pop("avg_deal_size", UNSET))

        def _parse_avg_cycle_days(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        avg_cycle_days = _parse_avg_cycle_days(d.pop("avg_cycle_days", UNSET))

        def _parse_sales_velocity(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        sales_velocity = _parse_sales_velocity(d.pop("sales_velocity", UNSET))

        def _parse_coverage(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        coverage = _parse_coverage(d.pop("coverage", UNSET))

        def _parse_performance_to_plan(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        performance_to_plan = _parse_performance_to_plan(d.pop("performance_to_plan", UNSET))

        def _parse_rewards_net(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        rewards_net = _parse_rewards_net(d.pop("rewards_net", UNSET))

        metric_weights = cls(
            registrations=registrations,
            approved=approved,
            rejected=rejected,
            approval_rate=approval_rate,
            median_hours_to_decision=median_hours_to_decision,
            sla_breaches=sla_breaches,
            conflict_rate=conflict_rate,
            won=won,
            lost=lost,
            win_rate=win_rate,
            avg_deal_size=avg_deal_size,
            avg_cycle_days=avg_cycle_days,
            sales_velocity=sales_velocity,
            coverage=coverage,
            performance_to_plan=performance_to_plan,
            rewards_net=rewards_net,
        )

        return metric_weights
