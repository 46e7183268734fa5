from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.partner_pipeline_out_other_currencies import (
        PartnerPipelineOutOtherCurrencies,
    )


T = TypeVar("T", bound="PartnerPipelineOut")


@_attrs_define
class PartnerPipelineOut:
    """partner_id, vendor_id, period, then the figures, then as_of (pydantic orders fields base-first).

    Attributes:
        partner_id (str):
        vendor_id (str):
        period (str):
        plan (None | str):
        closed_won (None | str):
        pipeline_total (None | str):
        pipeline_target (None | str):
        risk_adjusted_pipeline (None | str):
        risk_adjusted_target (None | str):
        avg_deal_size (None | str):
        sales_velocity (None | str):
        performance_to_plan (None | str):
        coverage (None | str):
        win_rate (None | str):
        avg_cycle_days (None | str):
        open_deals (int):
        won_deals (int):
        lost_deals (int):
        currency (None | str):
        other_currencies (PartnerPipelineOutOtherCurrencies):
        as_of (str):
    """

    partner_id: str
    vendor_id: str
    period: str
    plan: None | str
    closed_won: None | str
    pipeline_total: None | str
    pipeline_target: None | str
    risk_adjusted_pipeline: None | str
    risk_adjusted_target: None | str
    avg_deal_size: None | str
    sales_velocity: None | str
    performance_to_plan: None | str
    coverage: None | str
    win_rate: None | str
    avg_cycle_days: None | str
    open_deals: int
    won_deals: int
    lost_deals: int
    currency: None | str
    other_currencies: PartnerPipelineOutOtherCurrencies
    as_of: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        partner_id = self.partner_id

        vendor_id = self.vendor_id

        period = self.period

        plan: None | str
        plan = self.plan

        closed_won: None | str
        closed_won = self.closed_won

        pipeline_total: None | str
        pipeline_total = self.pipeline_total

        pipeline_target: None | str
        pipeline_target = self.pipeline_target

        risk_adjusted_pipeline: None | str
        risk_adjusted_pipeline = self.risk_adjusted_pipeline

        risk_adjusted_target: None | str
        risk_adjusted_target = self.risk_adjusted_target

        avg_deal_size: None | str
        avg_deal_size = self.avg_deal_size

        sales_velocity: None | str
        sales_velocity = self.sales_velocity

        performance_to_plan: None | str
        performance_to_plan = self.performance_to_plan

        coverage: None | str
        coverage = self.coverage

        win_rate: None | str
        win_rate = self.win_rate

        avg_cycle_days: None | str
        avg_cycle_days = self.avg_cycle_days

        open_deals = self.open_deals

        won_deals = self.won_deals

        lost_deals = self.lost_deals

        currency: None | str
        currency = self.currency

        other_currencies = self.other_currencies.to_dict()

        as_of = self.as_of

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "period": period,
                "plan": plan,
                "closed_won": closed_won,
                "pipeline_total": pipeline_total,
                "pipeline_target": pipeline_target,
                "risk_adjusted_pipeline": risk_adjusted_pipeline,
                "risk_adjusted_target": risk_adjusted_target,
                "avg_deal_size": avg_deal_size,
                "sales_velocity": sales_velocity,
                "performance_to_plan": performance_to_plan,
                "coverage": coverage,
                "win_rate": win_rate,
                "avg_cycle_days": avg_cycle_days,
                "open_deals": open_deals,
                "won_deals": won_deals,
                "lost_deals": lost_deals,
                "currency": currency,
                "other_currencies": other_currencies,
                "as_of": as_of,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.partner_pipeline_out_other_currencies import (
            PartnerPipelineOutOtherCurrencies,  # noqa: PLC0415
        )

        d = dict(src_dict)
        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        period = d.pop("period")

        def _parse_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        plan = _parse_plan(d.pop("plan"))

        def _parse_closed_won(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        closed_won = _parse_closed_won(d.pop("closed_won"))

        def _parse_pipeline_total(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_total = _parse_pipeline_total(d.pop("pipeline_total"))

        def _parse_pipeline_target(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        pipeline_target = _parse_pipeline_target(d.pop("pipeline_target"))

        def _parse_risk_adjusted_pipeline(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        risk_adjusted_pipeline = _parse_risk_adjusted_pipeline(d.pop("risk_adjusted_pipeline"))

        def _parse_risk_adjusted_target(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        risk_adjusted_target = _parse_risk_adjusted_target(d.pop("risk_adjusted_target"))

        def _parse_avg_deal_size(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avg_deal_size = _parse_avg_deal_size(d.pop("avg_deal_size"))

        def _parse_sales_velocity(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        sales_velocity = _parse_sales_velocity(d.pop("sales_velocity"))

        def _parse_performance_to_plan(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        performance_to_plan = _parse_performance_to_plan(d.pop("performance_to_plan"))

        def _parse_coverage(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        coverage = _parse_coverage(d.pop("coverage"))

        def _parse_win_rate(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        win_rate = _parse_win_rate(d.pop("win_rate"))

        def _parse_avg_cycle_days(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        avg_cycle_days = _parse_avg_cycle_days(d.pop("avg_cycle_days"))

        open_deals = d.pop("open_deals")

        won_deals = d.pop("won_deals")

        lost_deals = d.pop("lost_deals")

        def _parse_currency(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        currency = _parse_currency(d.pop("currency"))

        other_currencies = PartnerPipelineOutOtherCurrencies.from_dict(d.pop("other_currencies"))

        as_of = d.pop("as_of")

        partner_pipeline_out = cls(
            partner_id=partner_id,
            vendor_id=vendor_id,
            period=period,
            plan=plan,
            closed_won=closed_won,
            pipeline_total=pipeline_total,
            pipeline_target=pipeline_target,
            risk_adjusted_pipeline=risk_adjusted_pipeline,
            risk_adjusted_target=risk_adjusted_target,
            avg_deal_size=avg_deal_size,
            sales_velocity=sales_velocity,
            performance_to_plan=performance_to_plan,
            coverage=coverage,
            win_rate=win_rate,
            avg_cycle_days=avg_cycle_days,
            open_deals=open_deals,
            won_deals=won_deals,
            lost_deals=lost_deals,
            currency=currency,
            other_currencies=other_currencies,
            as_of=as_of,
        )

        partner_pipeline_out.additional_properties = d
        return partner_pipeline_out

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
