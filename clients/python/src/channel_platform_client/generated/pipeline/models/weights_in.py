from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.metric_weights import MetricWeights


T = TypeVar("T", bound="WeightsIn")


@_attrs_define
class WeightsIn:
    """
    Attributes:
        weights (MetricWeights): A weight (>= 0) per metric; metrics left out weigh 0, and at least one must be above 0.
    """

    weights: MetricWeights

    def to_dict(self) -> dict[str, Any]:
        weights = self.weights.to_dict()

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "weights": weights,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.metric_weights import MetricWeights  # noqa: PLC0415

        d = dict(src_dict)
        weights = MetricWeights.from_dict(d.pop("weights"))

        weights_in = cls(
            weights=weights,
        )

        return weights_in
