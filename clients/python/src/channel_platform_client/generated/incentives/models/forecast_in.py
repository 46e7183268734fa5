from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.forecast_in_stage_reach_rates import ForecastInStageReachRates
    from ..models.forecast_in_tier_mix import ForecastInTierMix


T = TypeVar("T", bound="ForecastIn")


@_attrs_define
class ForecastIn:
    """
    Attributes:
        expected_registrations (int):
        win_rate (float | str):
        avg_deal_amount (float | str):
        avg_margin_pct (float | str):
        stage_reach_rates (ForecastInStageReachRates | Unset):
        tier_mix (ForecastInTierMix | Unset):
    """

    expected_registrations: int
    win_rate: float | str
    avg_deal_amount: float | str
    avg_margin_pct: float | str
    stage_reach_rates: ForecastInStageReachRates | Unset = UNSET
    tier_mix: ForecastInTierMix | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        expected_registrations = self.expected_registrations

        win_rate: float | str
        win_rate = self.win_rate

        avg_deal_amount: float | str
        avg_deal_amount = self.avg_deal_amount

        avg_margin_pct: float | str
        avg_margin_pct = self.avg_margin_pct

        stage_reach_rates: dict[str, Any] | Unset = UNSET
        if not isinstance(self.stage_reach_rates, Unset):
            stage_reach_rates = self.stage_reach_rates.to_dict()

        tier_mix: dict[str, Any] | Unset = UNSET
        if not isinstance(self.tier_mix, Unset):
            tier_mix = self.tier_mix.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "expected_registrations": expected_registrations,
                "win_rate": win_rate,
                "avg_deal_amount": avg_deal_amount,
                "avg_margin_pct": avg_margin_pct,
            }
        )
        if stage_reach_rates is not UNSET:
            field_dict["stage_reach_rates"] = stage_reach_rates
        if tier_mix is not UNSET:
            field_dict["tier_mix"] = tier_mix

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.forecast_in_stage_reach_rates import ForecastInStageReachRates  # noqa: PLC0415
        from ..models.forecast_in_tier_mix import ForecastInTierMix  # noqa: PLC0415

        d = dict(src_dict)
        expected_registrations = d.pop("expected_registrations")

        def _parse_win_rate(data: object) -> float | str:
            return cast(float | str, data)

        win_rate = _parse_win_rate(d.pop("win_rate"))

        def _parse_avg_deal_amount(data: object) -> float | str:
            return cast(float | str, data)

        avg_deal_amount = _parse_avg_deal_amount(d.pop("avg_deal_amount"))

        def _parse_avg_margin_pct(data: object) -> float | str:
            return cast(float | str, data)

        avg_margin_pct = _parse_avg_margin_pct(d.pop("avg_margin_pct"))

        _stage_reach_rates = d.pop("stage_reach_rates", UNSET)
        stage_reach_rates: ForecastInStageReachRates | Unset
        if isinstance(_stage_reach_rates, Unset):
            stage_reach_rates = UNSET
        else:
            stage_reach_rates = ForecastInStageReachRates.from_dict(_stage_reach_rates)

        _tier_mix = d.pop("tier_mix", UNSET)
        tier_mix: ForecastInTierMix | Unset
        if isinstance(_tier_mix, Unset):
            tier_mix = UNSET
        else:
            tier_mix = ForecastInTierMix.from_dict(_tier_mix)

        forecast_in = cls(
            expected_registrations=expected_registrations,
            win_rate=win_rate,
            avg_deal_amount=avg_deal_amount,
            avg_margin_pct=avg_margin_pct,
            stage_reach_rates=stage_reach_rates,
            tier_mix=tier_mix,
        )

        return forecast_in
