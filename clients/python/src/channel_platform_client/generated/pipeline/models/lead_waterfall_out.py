from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="LeadWaterfallOut")


@_attrs_define
class LeadWaterfallOut:
    """
    Attributes:
        remaining_revenue (str):
        deals_needed (int):
        opportunities_needed (int):
        leads_needed (int):
    """

    remaining_revenue: str
    deals_needed: int
    opportunities_needed: int
    leads_needed: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        remaining_revenue = self.remaining_revenue

        deals_needed = self.deals_needed

        opportunities_needed = self.opportunities_needed

        leads_needed = self.leads_needed

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "remaining_revenue": remaining_revenue,
                "deals_needed": deals_needed,
                "opportunities_needed": opportunities_needed,
                "leads_needed": leads_needed,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        remaining_revenue = d.pop("remaining_revenue")

        deals_needed = d.pop("deals_needed")

        opportunities_needed = d.pop("opportunities_needed")

        leads_needed = d.pop("leads_needed")

        lead_waterfall_out = cls(
            remaining_revenue=remaining_revenue,
            deals_needed=deals_needed,
            opportunities_needed=opportunities_needed,
            leads_needed=leads_needed,
        )

        lead_waterfall_out.additional_properties = d
        return lead_waterfall_out

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
