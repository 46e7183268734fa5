from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.pipeline_figures_data_figures import PipelineFiguresDataFigures


T = TypeVar("T", bound="PipelineFiguresData")


@_attrs_define
class PipelineFiguresData:
    """pipeline-updated and pipeline-at-risk: a partner's figures for one period.

    Attributes:
        partner_id (str):
        vendor_id (str):
        period (str):
        coverage (float | None | str | Unset):
        at_risk_threshold (float | None | str | Unset):
        figures (PipelineFiguresDataFigures | Unset):
    """

    partner_id: str
    vendor_id: str
    period: str
    coverage: float | None | str | Unset = UNSET
    at_risk_threshold: float | None | str | Unset = UNSET
    figures: PipelineFiguresDataFigures | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        partner_id = self.partner_id

        vendor_id = self.vendor_id

        period = self.period

        coverage: float | None | str | Unset
        if isinstance(self.coverage, Unset):
            coverage = UNSET
        else:
            coverage = self.coverage

        at_risk_threshold: float | None | str | Unset
        if isinstance(self.at_risk_threshold, Unset):
            at_risk_threshold = UNSET
        else:
            at_risk_threshold = self.at_risk_threshold

        figures: dict[str, Any] | Unset = UNSET
        if not isinstance(self.figures, Unset):
            figures = self.figures.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "partner_id": partner_id,
                "vendor_id": vendor_id,
                "period": period,
            }
        )
        if coverage is not UNSET:
            field_dict["coverage"] = coverage
        if at_risk_threshold is not UNSET:
            field_dict["at_risk_threshold"] = at_risk_threshold
        if figures is not UNSET:
            field_dict["figures"] = figures

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.pipeline_figures_data_figures import PipelineFiguresDataFigures  # noqa: PLC0415

        d = dict(src_dict)
        partner_id = d.pop("partner_id")

        vendor_id = d.pop("vendor_id")

        period = d.pop("period")

        def _parse_coverage(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        coverage = _parse_coverage(d.pop("coverage", UNSET))

        def _parse_at_risk_threshold(data: object) -> float | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | str | Unset, data)

        at_risk_threshold = _parse_at_risk_threshold(d.pop("at_risk_threshold", UNSET))

        _figures = d.pop("figures", UNSET)
        figures: PipelineFiguresDataFigures | Unset
        if isinstance(_figures, Unset):
            figures = UNSET
        else:
            figures = PipelineFiguresDataFigures.from_dict(_figures)

        pipeline_figures_data = cls(
            partner_id=partner_id,
            vendor_id=vendor_id,
            period=period,
            coverage=coverage,
            at_risk_threshold=at_risk_threshold,
            figures=figures,
        )

        pipeline_figures_data.additional_properties = d
        return pipeline_figures_data

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
