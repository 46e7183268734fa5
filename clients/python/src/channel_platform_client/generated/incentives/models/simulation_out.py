from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SimulationOut")


@_attrs_define
class SimulationOut:
    """
    Attributes:
        expected_registrations (int):
        expected_wins (str):
        expected_revenue (str):
        payout_before_budget (str):
        expected_payout (str):
        budget_limited (bool):
        roi (None | str):
    """

    expected_registrations: int
    expected_wins: str
    expected_revenue: str
    payout_before_budget: str
    expected_payout: str
    budget_limited: bool
    roi: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        expected_registrations = self.expected_registrations

        expected_wins = self.expected_wins

        expected_revenue = self.expected_revenue

        payout_before_budget = self.payout_before_budget

        expected_payout = self.expected_payout

        budget_limited = self.budget_limited

        roi: None | str
        roi = self.roi

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "expected_registrations": expected_registrations,
                "expected_wins": expected_wins,
                "expected_revenue": expected_revenue,
                "payout_before_budget": payout_before_budget,
                "expected_payout": expected_payout,
                "budget_limited": budget_limited,
                "roi": roi,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        expected_registrations = d.pop("expected_registrations")

        expected_wins = d.pop("expected_wins")

        expected_revenue = d.pop("expected_revenue")

        payout_before_budget = d.pop("payout_before_budget")

        expected_payout = d.pop("expected_payout")

        budget_limited = d.pop("budget_limited")

        def _parse_roi(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        roi = _parse_roi(d.pop("roi"))

        simulation_out = cls(
            expected_registrations=expected_registrations,
            expected_wins=expected_wins,
            expected_revenue=expected_revenue,
            payout_before_budget=payout_before_budget,
            expected_payout=expected_payout,
            budget_limited=budget_limited,
            roi=roi,
        )

        simulation_out.additional_properties = d
        return simulation_out

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
