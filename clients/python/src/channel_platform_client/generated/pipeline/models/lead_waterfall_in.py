from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="LeadWaterfallIn")


@_attrs_define
class LeadWaterfallIn:
    """Rates are fractions (0 < rate <= 1); their ranges are checked by the domain.

    Attributes:
        revenue_target (float | str):
        avg_deal_size (float | str):
        win_rate (float | str):
        lead_to_opportunity_rate (float | str):
        existing_pipeline (float | str | Unset):  Default: 0.0.
    """

    revenue_target: float | str
    avg_deal_size: float | str
    win_rate: float | str
    lead_to_opportunity_rate: float | str
    existing_pipeline: float | str | Unset = 0.0

    def to_dict(self) -> dict[str, Any]:
        revenue_target: float | str
        revenue_target = self.revenue_target

        avg_deal_size: float | str
        avg_deal_size = self.avg_deal_size

        win_rate: float | str
        win_rate = self.win_rate

        lead_to_opportunity_rate: float | str
        lead_to_opportunity_rate = self.lead_to_opportunity_rate

        existing_pipeline: float | str | Unset
        if isinstance(self.existing_pipeline, Unset):
            existing_pipeline = UNSET
        else:
            existing_pipeline = self.existing_pipeline

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "revenue_target": revenue_target,
                "avg_deal_size": avg_deal_size,
                "win_rate": win_rate,
                "lead_to_opportunity_rate": lead_to_opportunity_rate,
            }
        )
        if existing_pipeline is not UNSET:
            field_dict["existing_pipeline"] = existing_pipeline

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_revenue_target(data: object) -> float | str:
            return cast(float | str, data)

        revenue_target = _parse_revenue_target(d.pop("revenue_target"))

        def _parse_avg_deal_size(data: object) -> float | str:
            return cast(float | str, data)

        avg_deal_size = _parse_avg_deal_size(d.pop("avg_deal_size"))

        def _parse_win_rate(data: object) -> float | str:
            return cast(float | str, data)

        win_rate = _parse_win_rate(d.pop("win_rate"))

        def _parse_lead_to_opportunity_rate(data: object) -> float | str:
            return cast(float | str, data)

        lead_to_opportunity_rate = _parse_lead_to_opportunity_rate(d.pop("lead_to_opportunity_rate"))

        def _parse_existing_pipeline(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        existing_pipeline = _parse_existing_pipeline(d.pop("existing_pipeline", UNSET))

        lead_waterfall_in = cls(
            revenue_target=revenue_target,
            avg_deal_size=avg_deal_size,
            win_rate=win_rate,
            lead_to_opportunity_rate=lead_to_opportunity_rate,
            existing_pipeline=existing_pipeline,
        )

        return lead_waterfall_in
