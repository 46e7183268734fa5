from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.scorecard_out_other_rewards import ScorecardOutOtherRewards
    from ..models.scorecard_out_peer import ScorecardOutPeer


T = TypeVar("T", bound="ScorecardOut")


@_attrs_define
class ScorecardOut:
    """
    Attributes:
        partner_id (str):
        vendor_id (str):
        period (str):
        currency (None | str): The currency of avg_deal_size, sales_velocity and rewards_net.
        registrations (int):
        approved (int):
        rejected (int):
        approval_rate (None | str):
        median_hours_to_decision (None | str):
        sla_breaches (int):
        conflict_rate (None | str):
        won (int):
        lost (int):
        win_rate (None | str):
        avg_deal_size (None | str):
        avg_cycle_days (None | str):
        sales_velocity (None | str):
        coverage (None | str):
        performance_to_plan (None | str):
        rewards_net (None | str):
        other_rewards (ScorecardOutOtherRewards): Net rewards in currencies other than `currency`.
        active (bool):
        score (str): 0..100, the weighted mean of the partner's percentiles (README).
        peer (ScorecardOutPeer):
        as_of (str):
    """

    partner_id: str
    vendor_id: str
    period: str
    currency: None | str
    registrations: int
    approved: int
    rejected: int
    approval_rate: None | str
    median_hours_to_decision: None | str
    sla_breaches: int
    conflict_rate: None | str
    won: int
    lost: int
    win_rate: None | str
    avg_deal_size: None | str
    avg_cycle_days: None | str
    sales_velocity: None | str
    coverage: None | str
    performance_to_plan: None | str
    rewards_net: None | str
    other_rewards: ScorecardOutOtherRewards
    active: bool
    score: str
    peer: ScorecardOutPeer
    as_of: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        partner_id = self.partner_id

        vendor_id = self.vendor_id

        period = self.period

        currency: None | str
        currency = self.currency

        registrations = self.registrations

        approved = self.approved

        rejected = self.rejected

        approval_rate: None | str
        approval_rate = self.approval_rate

        median_hours_to_decision: None | str
        median_hours_to_decision = self.median_hours_to_decision

        sla_breaches = self.sla_breaches

        conflict_rate: None | str
        conflict_rate = self.conflict_rate

        won = self.won

        lost = self.lost

        win_rate: None | str
        win_rate = self.win_rate

        avg_deal_size: None | str
        avg_deal_size = self.avg_deal_size

        avg_cycle_days: None | str
        avg_cycle_days = self.avg_cycle_days

        sales_velocity: None | str
        sales_velocity = self.sales_velocity

        coverage: None | str
        coverage = self.coverage

        performance_to_plan: None | str
        performance_to_plan = self.performance_to_plan

        rewards_net: None | str
        rewards_net = self.rewards_net

        other_rewards = self.other_rewards.to_dict()

        active = self.active

        score = self.score

        peer = self.peer.to_dict()

        as_of = self.as_of

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "period": period,
                "currency": currency,
                "registrations": registrations,
                "approved": approved,
                "rejected": rejected,
                "approval_rate": approval_rate,
                "median_hours_to_decision": median_hours_to_decision,
                "sla_breaches": sla_breaches,
                "conflict_rate": conflict_rate,
                "won": won,
                "lost": lost,
                "win_rate": win_rate,
                "avg_deal_size": avg_deal_size,
                "avg_cycle_days": avg_cycle_days,
                "sales_velocity": sales_velocity,
                "coverage": coverage,
                "performance_to_plan": performance_to_plan,
                "rewards_net": rewards_net,
                "other_rewards": other_rewards,
                "active": active,
                "score": score,
                "peer": peer,
                "as_of": as_of,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.scorecard_out_other_rewards import ScorecardOutOtherRewards  # noqa: PLC0415
        from ..models.scorecard_out_peer import ScorecardOutPeer  # noqa: PLC0415

        d = dict(src_dict)
        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        period = d.pop("period")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        registrations = d.pop("registrations")

        approved = d.pop("approved")

        rejected = d.pop("rejected")

        def _parse_approval_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        approval_rate = _parse_approval_rate(d.pop("approval_rate"))

        def _parse_median_hours_to_decision(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        median_hours_to_decision = _parse_median_hours_to_decision(d.pop("median_hours_to_decision"))

        sla_breaches = d.pop("sla_breaches")

        def _parse_conflict_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        conflict_rate = _parse_conflict_rate(d.pop("conflict_rate"))

        won = d.pop("won")

        lost = d.pop("lost")

        def _parse_win_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        win_rate = _parse_win_rate(d.pop("win_rate"))

        def _parse_avg_deal_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avg_deal_size = _parse_avg_deal_size(d.pop("avg_deal_size"))

        def _parse_avg_cycle_days(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avg_cycle_days = _parse_avg_cycle_days(d.pop("avg_cycle_days"))

        def _parse_sales_velocity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sales_velocity = _parse_sales_velocity(d.pop("sales_velocity"))

        def _parse_coverage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coverage = _parse_coverage(d.pop("coverage"))

        def _parse_performance_to_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        performance_to_plan = _parse_performance_to_plan(d.pop("performance_to_plan"))

        def _parse_rewards_net(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rewards_net = _parse_rewards_net(d.pop("rewards_net"))

        other_rewards = ScorecardOutOtherRewards.from_dict(d.pop("other_rewards"))

        active = d.pop("active")

        score = d.pop("score")

        peer = ScorecardOutPeer.from_dict(d.pop("peer"))

        as_of = d.pop("as_of")

        scorecard_out = cls(
            partner_id=partner_id,
            vendor_id=vendor_id,
            period=period,
            currency=currency,
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
            other_rewards=other_rewards,
            active=active,
            score=score,
            peer=peer,
            as_of=as_of,
        )

        scorecard_out.additional_properties = d
        return scorecard_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
